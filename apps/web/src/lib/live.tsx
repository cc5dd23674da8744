'use client';

import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { buildUrl } from './api-client';
import { useAuth } from './auth';
import { type LiveFrame, parseFrames, staleKeysOf } from './live-frames';

/** `live`: the event stream is open; `polling`: it is not, and pages poll as before. */
export type LiveStatus = 'connecting' | 'live' | 'polling';

let streamOpen = false;

/** Whether pages hear changes from the event stream now; polling slows down while they do. */
export function isLive(): boolean {
  return streamOpen;
}

const LiveContext = createContext<LiveStatus>('polling');

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext);
}

/** Invalidations wait this long to be merged: a busy organization refetches a few times a second at most. */
const COALESCE_MS = 300;
/** No frame (not even a heartbeat) for this long: the stream is dead, though the socket may not know it. */
const SILENCE_MS = 45_000;
const RECONNECT_MS = 500;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Holds one `GET /v1/events` stream for the signed-in session and refreshes the queries its events
 * make stale. While the stream is down, pages poll (see queries.ts); it reconnects with backoff.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const { state, session } = useAuth();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const organizationId = state.status === 'signed-in' ? state.organization.id : null;

  useEffect(() => {
    if (!organizationId) return;
    const stopped = new AbortController();
    const stale = new Map<string, unknown[]>();
    let flushTimer: ReturnType<typeof setTimeout> | null = null;

    const flush = () => {
      flushTimer = null;
      const keys = [...stale.values()];
      stale.clear();
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    };
    const markStale = (keys: unknown[][]) => {
      for (const key of keys) stale.set(JSON.stringify(key), key);
      flushTimer ??= setTimeout(flush, COALESCE_MS);
    };
    /** After a gap in the stream anything may have changed: refresh what the pages show. */
    const catchUp = () => markStale([['monitors'], ['incidents']]);
    const change = (next: LiveStatus) => {
      streamOpen = next === 'live';
      setStatus(next);
    };

    async function listen(): Promise<'again' | 'renew' | 'signed-out' | 'failed'> {
      const connection = new AbortController();
      const abort = () => connection.abort();
      stopped.signal.addEventListener('abort', abort);
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const quiet = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(abort, SILENCE_MS);
      };
      try {
        const response = await fetch(buildUrl('/v1/events'), {
          headers: {
            accept: 'text/event-stream',
            ...(session.accessToken ? { authorization: `Bearer ${session.accessToken}` } : {}),
          },
          cache: 'no-store',
          credentials: 'same-origin',
          signal: connection.signal,
        });
        if (response.status === 401)
          return (await session.refresh()) === 'signed-out' ? 'signed-out' : 'again';
        if (!response.ok || !response.body) return 'failed';
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        let opened = false;
        quiet();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return opened ? 'again' : 'failed';
          quiet();
          const parsed = parseFrames(buffer + value);
          buffer = parsed.rest;
          for (const frame of parsed.frames) {
            if (frame.event === 'end') {
              // The server closes streams before the access token expires: reconnect with a new one.
              return frame.data.reason === 'reconnect' ? 'renew' : 'again';
            }
            if (frame.event === 'ready') {
              opened = true;
              change('live');
              catchUp();
            } else {
              markStale(staleKeysOf(frame as LiveFrame));
            }
          }
        }
      } catch {
        return 'failed';
      } finally {
        clearTimeout(watchdog);
        stopped.signal.removeEventListener('abort', abort);
      }
    }

    void (async () => {
      let failures = 0;
      while (!stopped.signal.aborted) {
        const outcome = await listen();
        if (stopped.signal.aborted || outcome === 'signed-out') break;
        if (streamOpen) catchUp();
        const closedCleanly = outcome === 'again' || outcome === 'renew';
        change(closedCleanly ? 'connecting' : 'polling');
        failures = closedCleanly ? 0 : failures + 1;
        if (outcome === 'renew' && (await session.refresh().catch(() => 'failed')) === 'signed-out') break;
        const wait = closedCleanly
          ? RECONNECT_MS
          : (RETRY_MS[Math.min(failures, RETRY_MS.length) - 1] ?? 30_000);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, wait);
          stopped.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve(null);
          });
        });
      }
    })();

    return () => {
      stopped.abort();
      if (flushTimer) clearTimeout(flushTimer);
      streamOpen = false;
    };
  }, [organizationId, session, queryClient]);

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}
