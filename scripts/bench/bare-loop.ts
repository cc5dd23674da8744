import { Agent, request } from 'undici';

/**
 * The reference: the same GET as a check, each on a fresh connection, with `concurrency` requests in
 * flight, for `seconds`. Returns requests per second.
 */
export async function bareLoop(url: string, concurrency: number, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  async function lane() {
    while (Date.now() < deadline) {
      const agent = new Agent({ connections: 1, pipelining: 0 });
      try {
        const response = await request(url, { dispatcher: agent, headers: { connection: 'close' } });
        await response.body.text();
        done++;
      } finally {
        await agent.close();
      }
    }
  }
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  return done / ((Date.now() - started) / 1000);
}
