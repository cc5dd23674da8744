import type { ServerResponse } from 'node:http';
import type { LiveEvent } from '@sentinelmesh/core';

/** One server-sent event: a name and one line of JSON. */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const liveEventFrame = (event: LiveEvent) => sseFrame(event.type, event);

/** Writes unless the client is gone; a socket that cannot keep up is the client's problem, not the API's. */
export function writeFrame(raw: ServerResponse, frame: string): void {
  if (!raw.destroyed && !raw.writableEnded) raw.write(frame);
}
