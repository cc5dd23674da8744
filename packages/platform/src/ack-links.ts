import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who an acknowledge link was sent to: a channel (its recipients) or a member (their email). */
export interface AckRecipient {
  type: 'channel' | 'member';
  id: string;
}

/** What an acknowledge link names: one incident of one organization, and its recipient. */
export interface AckClaim {
  orgId: string;
  incidentId: string;
  recipient: AckRecipient;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidText = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const TYPE_BYTES = { channel: 1, member: 2 } as const;
const VERSION = 1;

/**
 * Signs and reads one-click acknowledge links (ADR 0034): `<claim>.<HMAC-SHA256/128>`, base64url, with
 * a key derived from SECRETS_KEY for this one purpose, so a link can do nothing but acknowledge its
 * incident. Nothing is stored: whether the incident still accepts it (open, not acknowledged) is
 * the database's answer at use.
 */
export class AckLinks {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    this.key = createHmac('sha256', Buffer.from(secretsKey, 'base64'))
      .update('sentinelmesh:incident-ack-link:v1')
      .digest();
  }

  token(claim: AckClaim): string {
    for (const id of [claim.orgId, claim.incidentId, claim.recipient.id]) {
      if (!UUID.test(id)) throw new Error('acknowledge links name uuids only');
    }
    const body = Buffer.concat([
      Buffer.from([VERSION, TYPE_BYTES[claim.recipient.type]]),
      uuidBytes(claim.orgId),
      uuidBytes(claim.incidentId),
      uuidBytes(claim.recipient.id),
    ]);
    return `${body.toString('base64url')}.${this.sign(body).toString('base64url')}`;
  }

  /** The claim of a genuine token; null for anything else (altered, truncated, another key). */
  read(token: string): AckClaim | null {
    const [bodyText, signatureText, extra] = token.split('.');
    if (!bodyText || !signatureText || extra !== undefined || token.length > 100) return null;
    const body = Buffer.from(bodyText, 'base64url');
    const signature = Buffer.from(signatureText, 'base64url');
    const expected = this.sign(body);
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
    if (body.length !== 50 || body[0] !== VERSION) return null;
    const type = body[1] === TYPE_BYTES.channel ? 'channel' : body[1] === TYPE_BYTES.member ? 'member' : null;
    if (!type) return null;
    return {
      orgId: uuidText(body.subarray(2, 18)),
      incidentId: uuidText(body.subarray(18, 34)),
      recipient: { type, id: uuidText(body.subarray(34, 50)) },
    };
  }

  /** The link itself: `<base>/v1/ack/<token>` (`base`: where the API is reached from outside). */
  url(base: string, claim: AckClaim): string {
    return `${base.replace(/\/+$/, '')}/v1/ack/${this.token(claim)}`;
  }

  /** HMAC-SHA256 truncated to 128 bits: a token stays under the API's 100-character path parameters. */
  private sign(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16);
  }
}
