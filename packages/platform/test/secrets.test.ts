import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../src/secrets';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('opens what it sealed', () => {
    expect(box.open(box.seal({ secret: 's3cr3t' }))).toEqual({ secret: 's3cr3t' });
  });

  it('never shows the secret in the sealed text', () => {
    expect(box.seal({ secret: 's3cr3t' })).not.toContain('s3cr3t');
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = box.seal({ secret: 'a' });
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new SecretBox(Buffer.from('short').toString('base64'))).toThrow(/32 bytes/);
  });
});
