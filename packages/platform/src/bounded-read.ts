import type { Readable } from 'node:stream';

/**
 * Reads at most `limit` bytes of a third party's stream (a response body) and destroys the
 * stream past that, so a peer that sends without end costs `limit` bytes of memory, not what it
 * sends. `complete` says whether the stream ended within the limit. Rejects with the stream's
 * error (an abort at a deadline, a reset).
 */
export function readBounded(stream: Readable, limit: number): Promise<{ bytes: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean) => {
      stream.off('data', onData);
      stream.off('error', reject);
      // Whatever the stream reports after this (an abort of the rest) has no one left to tell.
      stream.on('error', () => undefined);
      resolve({ bytes: Buffer.concat(chunks), complete });
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length >= limit) {
        chunks.push(chunk.subarray(0, limit - size));
        stream.destroy();
        done(false);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    stream.on('data', onData);
    stream.once('end', () => done(true));
    stream.once('error', reject);
  });
}
