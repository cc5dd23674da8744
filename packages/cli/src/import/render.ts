import { Document } from 'yaml';
import { envVarsToSet, type ImportResult, type ImportSource, type UnmappedItem } from './report';

const sourceNames: Record<ImportSource, string> = { kuma: 'Uptime Kuma', gatus: 'Gatus' };

/** The imported file as YAML, headed by where it came from and the variables its secrets need. */
export function renderImport(result: ImportResult, source: ImportSource): string {
  const document = new Document(result.document);
  const env = envVarsToSet(result.report);
  const left = result.report.filter((entry) => !entry.env).length;
  document.commentBefore = [
    ` Imported from ${sourceNames[source]}.`,
    ...(left ? [` ${left} things could not be imported as they were; the import report lists them.`] : []),
    ...(env.length
      ? [' Secrets are read from these environment variables:', ...env.map((name) => `   ${name}`)]
      : []),
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

/** The report as lines for a terminal: one per entry, `item [field]: reason`. */
export const formatReport = (report: readonly UnmappedItem[]): string =>
  report.map((entry) => `${entry.item}${entry.field ? ` [${entry.field}]` : ''}: ${entry.reason}`).join('\n');
