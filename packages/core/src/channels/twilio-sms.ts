import { z } from 'zod';
import { type ChannelType, maskSecretKey, type StoredChannel } from './channel-type';

const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, such as +14155550123');
const accountSid = z
  .string()
  .trim()
  .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID: AC and 32 hexadecimal digits');
const sender = z
  .string()
  .trim()
  .regex(
    /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/,
    'must be a Twilio phone number in E.164 form (+14155550123) or a Messaging Service SID (MG…)',
  );
const authToken = z.string().trim().min(1).max(128);

const settings = z.strictObject({
  to: phoneNumber.describe('the phone number that receives the alerts (E.164)'),
  from: sender.describe('a Twilio number of the account (E.164), or a Messaging Service SID (MG…)'),
  accountSid: accountSid.describe('the Twilio Account SID (AC…)'),
  authToken: authToken.describe("the account's Auth Token (a secret)"),
});
const config = z.object({ accountSid, from: sender, to: phoneNumber });
const secrets = z.object({ authToken });
const view = z.object({
  to: z.string(),
  from: z.string(),
  accountSid: z.string(),
  authToken: z.string().describe('masked'),
});

/** Text messages through Twilio's Messages API (the API's URL is the deployment's); the Auth Token is the secret. */
export const twilioSmsChannel = {
  label: 'SMS (Twilio)',
  settings,
  config,
  secrets,
  split: (s: z.output<typeof settings>) => ({
    config: { accountSid: s.accountSid, from: s.from, to: s.to },
    secrets: { authToken: s.authToken },
  }),
  view,
  mask: (stored: StoredChannel<z.output<typeof config>, z.output<typeof secrets>>) => ({
    to: stored.config?.to ?? '',
    from: stored.config?.from ?? '',
    accountSid: stored.config?.accountSid ?? '',
    authToken: maskSecretKey(stored.secrets?.authToken),
  }),
  targetFields: [],
  fields: [
    {
      name: 'to',
      kind: 'text',
      label: 'Send to (phone number)',
      hint: 'With the country code, as +14155550123. One number per channel.',
      placeholder: '+14155550123',
    },
    {
      name: 'from',
      kind: 'text',
      label: 'From',
      hint: 'A Twilio number of the account, or a Messaging Service SID (MG…).',
      placeholder: '+14155550100',
    },
    {
      name: 'accountSid',
      kind: 'text',
      label: 'Account SID',
      hint: 'In the Twilio Console: Account Info → Account SID.',
      placeholder: 'AC…',
    },
    {
      name: 'authToken',
      kind: 'password',
      label: 'Auth Token',
      hint: 'In the Twilio Console: Account Info → Auth Token.',
    },
  ],
} satisfies ChannelType<typeof settings, typeof config, typeof secrets, typeof view>;
