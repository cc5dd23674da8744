import type { ImportedDocument } from './document';

export type ImportSource = 'kuma' | 'gatus';

/**
 * Something of the source that the imported file does not carry as it was: an unsupported type,
 * condition, option or provider, or a secret left out for an environment variable (`env`).
 */
export interface UnmappedItem {
  source: ImportSource;
  /** What it belongs to, as the source names it: `monitor "Checkout" (id 7)`. */
  item: string;
  /** The source's field, when one field is concerned. */
  field?: string;
  reason: string;
  /** The environment variable the imported file reads this secret from. */
  env?: string;
}

export interface ImportResult {
  document: ImportedDocument;
  report: UnmappedItem[];
}

/** The report of one import, bound to its source, in the order things were found. */
export class ImportReport {
  readonly items: UnmappedItem[] = [];

  constructor(readonly source: ImportSource) {}

  add(item: string, reason: string, field?: string): void {
    this.items.push({ source: this.source, item, ...(field ? { field } : {}), reason });
  }

  /** Takes back the secrets reported for an item that is not written after all. */
  forgetSecrets(item: string): void {
    const kept = this.items.filter((entry) => !(entry.item === item && entry.env));
    this.items.splice(0, this.items.length, ...kept);
  }

  /** A secret the file references as `${env}` instead of holding it. */
  secret(item: string, field: string, env: string, what: string): void {
    this.items.push({
      source: this.source,
      item,
      field,
      reason: `secret kept out of the file: set ${env} to ${what}`,
      env,
    });
  }
}

/** The environment variables an imported file needs, in the order the report names them. */
export const envVarsToSet = (report: readonly UnmappedItem[]): string[] => [
  ...new Set(report.flatMap((entry) => (entry.env ? [entry.env] : []))),
];

/** The input is not what the importer reads (not a Kuma backup, not Gatus YAML): nothing is imported. */
export class ImportError extends Error {
  override name = 'ImportError';
}
