/** One server-sent event as the dashboard reads it: its name and its JSON data. */
export interface LiveFrame {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Splits a text/event-stream into frames (comments and `retry:` lines are skipped). Returns the
 * frames complete so far and the unfinished rest, to be prefixed to the next chunk.
 */
export function parseFrames(buffer: string): { frames: LiveFrame[]; rest: string } {
  const frames: LiveFrame[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) continue;
    try {
      const parsed: unknown = JSON.parse(data.join('\n'));
      if (parsed && typeof parsed === 'object')
        frames.push({ event, data: parsed as Record<string, unknown> });
    } catch {
      // Not ours to understand: skipped, the stream goes on.
    }
  }
  return { frames, rest };
}

/** The query-key prefixes a live event makes stale. */
export function staleKeysOf(frame: LiveFrame): unknown[][] {
  const monitorId = typeof frame.data.monitorId === 'string' ? frame.data.monitorId : null;
  if (!monitorId) return [];
  if (frame.event === 'monitor.changed')
    return [
      ['monitors', 'list'],
      ['monitors', monitorId],
    ];
  if (frame.event === 'monitor.checked' || frame.event === 'monitor.status') {
    return [
      ['monitors', 'list'],
      ['monitors', monitorId],
      ...(frame.event === 'monitor.status' ? [['incidents']] : []),
    ];
  }
  if (frame.event.startsWith('incident.'))
    return [['incidents'], ['monitors', 'list'], ['monitors', monitorId]];
  return [];
}
