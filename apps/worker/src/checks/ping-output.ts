/** What one run of iputils `ping` reported. */
export interface PingReport {
  /** Echo requests sent (the summary's count; the replies seen when there is no summary). */
  transmitted: number;
  /** Distinct echo replies (duplicates not counted). */
  received: number;
  /** Round trips of the replies, in ms, in the order they came. */
  rttsMs: number[];
  /** Lines saying the host or network is unreachable (an ICMP error came back). */
  unreachable: boolean;
}

const REPLY = /\bicmp_seq=(\d+)\b.*?\btime[=<]\s*([\d.]+)\s*ms/;
const TRANSMITTED = /^(\d+) packets transmitted, (\d+) (?:packets )?received/m;
const UNREACHABLE =
  /(Destination (Host|Net|Port|Protocol) Unreachable|Network is unreachable|No route to host)/i;

/**
 * Reads the output of iputils `ping -n` (run with LC_ALL=C). Each reply line is counted once by its
 * sequence number, so duplicates (`DUP!`) do not hide loss; the summary line gives how many were sent.
 */
export function parsePingOutput(output: string): PingReport {
  const seen = new Set<string>();
  const rttsMs: number[] = [];
  for (const line of output.split('\n')) {
    if (line.includes('DUP!')) continue;
    const reply = REPLY.exec(line);
    if (!reply || seen.has(reply[1] as string)) continue;
    const rtt = Number(reply[2]);
    if (!Number.isFinite(rtt)) continue;
    seen.add(reply[1] as string);
    rttsMs.push(rtt);
  }
  const summary = TRANSMITTED.exec(output);
  const transmitted = summary ? Number(summary[1]) : rttsMs.length;
  return {
    transmitted: Math.max(transmitted, rttsMs.length),
    received: rttsMs.length,
    rttsMs,
    unreachable: UNREACHABLE.test(output),
  };
}
