// Messages API: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
// (POST /2010-04-01/Accounts/<AccountSid>/Messages.json, HTTP Basic AccountSid:AuthToken, a form
// with To, From or MessagingServiceSid, Body; 201 with the message; errors as JSON {code, message,
// status}: https://www.twilio.com/docs/usage/twilios-response).
import { type ChannelAdapter, type Delivery, refused, typedDeliver } from './adapter';
import { errorDetail } from './chat-text';
import { createGuardedPoster, httpUrl, isPermanentStatus } from './http-post';
import { alertMessage } from './message';
import { smsText } from './sms-text';

export const DEFAULT_TWILIO_API_URL = 'https://api.twilio.com';

export interface TwilioSmsOptions {
  allowPrivateTargets: boolean;
  userAgent: string;
  dashboardUrl: string;
  /** The Twilio REST API's base URL (the deployment's `TWILIO_API_URL`). */
  apiUrl: string;
  timeoutMs?: number;
}

/** The form fields of the create-message request. */
export function twilioSmsForm(
  delivery: Pick<Delivery, 'payload'>,
  config: { from: string; to: string },
  dashboardUrl: string,
): URLSearchParams {
  const sender = config.from.startsWith('MG') ? 'MessagingServiceSid' : 'From';
  return new URLSearchParams({
    To: config.to,
    [sender]: config.from,
    Body: smsText(alertMessage(delivery.payload, dashboardUrl)),
  });
}

/**
 * Twilio SMS channel: one text message per alert to the channel's number. 201 is success (Twilio
 * has queued it); a 4xx such as 21211 (invalid number) or 20003 (bad credentials) is permanent.
 */
export function createTwilioSmsAdapter(
  options: TwilioSmsOptions,
): ChannelAdapter & { close(): Promise<void> } {
  const poster = createGuardedPoster(options);
  const apiUrl = httpUrl(options.apiUrl);

  const deliver = typedDeliver('twilio-sms', 'invalid Twilio settings', async (delivery) => {
    const authToken = delivery.secrets?.authToken;
    if (!authToken) return refused('missing Twilio Auth Token');
    if (!apiUrl) return refused('invalid TWILIO_API_URL');
    const { accountSid } = delivery.config;
    const url = new URL(
      `${apiUrl.href.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
    );
    const form = twilioSmsForm(delivery, delivery.config, options.dashboardUrl);
    const { responseText, ...result } = await poster.post(url, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
    });
    if (result.ok) return result;
    const code = errorDetail(responseText, (b) => b.code);
    return {
      ...result,
      error: `${result.error ?? 'delivery failed'}${code ? ` (Twilio error ${code})` : ''}`,
      permanent: result.permanent || isPermanentStatus(result.statusCode),
    };
  });

  return { type: 'twilio-sms', deliver, close: poster.close };
}
