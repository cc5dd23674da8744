import { type MonitorEntry, monitorEntryProblem } from './document';
import { EnvNames, KeySet } from './naming';
import { ImportReport, type ImportResult, type ImportSource } from './report';

/** What one import run shares: its report, and the keys and variable names handed out so far. */
export interface ImportContext {
  report: ImportReport;
  channelKeys: KeySet;
  monitorKeys: KeySet;
  envs: EnvNames;
}

export const newContext = (source: ImportSource): ImportContext => ({
  report: new ImportReport(source),
  channelKeys: new KeySet(),
  monitorKeys: new KeySet(),
  envs: new EnvNames(),
});

/**
 * Keeps a translated monitor when POST /v1/monitors would accept it; otherwise reports why and
 * leaves it out, so a file that imports is a file that applies.
 */
export function acceptMonitor(entry: MonitorEntry, item: string, ctx: ImportContext): MonitorEntry | null {
  const problem = monitorEntryProblem(entry);
  if (!problem) return entry;
  ctx.report.forgetSecrets(item);
  ctx.report.add(item, `left out: the translated monitor is not valid: ${problem}`);
  return null;
}

/** The result of an import: channels and monitors in the order found, and the report. */
export const result = (
  ctx: ImportContext,
  channels: ImportResult['document']['channels'],
  monitors: MonitorEntry[],
): ImportResult => ({ document: { version: 1, channels, monitors }, report: ctx.report.items });
