/** Values that say "not set": what an export writes for an option nobody chose (0 is "off"). */
export function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A source object read field by field. Every field read is marked, so whatever was set and never
 * read can be reported rather than dropped silently.
 */
export class Fields {
  private readonly read = new Set<string>();
  readonly values: Record<string, unknown>;

  constructor(values: unknown) {
    this.values = isRecord(values) ? values : {};
  }

  take(name: string): unknown {
    this.read.add(name);
    return this.values[name];
  }

  /** Marks fields as handled without reading them (metadata, or settled elsewhere). */
  skip(...names: string[]): void {
    for (const name of names) this.read.add(name);
  }

  /** A non-empty string (trimmed), or undefined. */
  str(name: string): string | undefined {
    const value = this.take(name);
    if (typeof value === 'number') return String(value);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  }

  /** A finite number (also from a numeric string), or undefined. */
  num(name: string): number | undefined {
    const value = this.take(name);
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
  }

  /** true/false, also as 1/0 or "1"/"0"/"true"/"false"; undefined when absent. */
  bool(name: string): boolean | undefined {
    const value = this.take(name);
    if (value === true || value === 1 || value === '1' || value === 'true') return true;
    if (value === false || value === 0 || value === '0' || value === 'false') return false;
    return undefined;
  }

  record(name: string): Record<string, unknown> | undefined {
    const value = this.take(name);
    return isRecord(value) ? value : undefined;
  }

  list(name: string): unknown[] | undefined {
    const value = this.take(name);
    return Array.isArray(value) ? value : undefined;
  }

  /** The fields set to something (not `isUnset`, not `isDefault`) that nothing read. */
  leftovers(isDefault: (name: string, value: unknown) => boolean = () => false): string[] {
    return Object.entries(this.values)
      .filter(([name, value]) => !this.read.has(name) && !isUnset(value) && !isDefault(name, value))
      .map(([name]) => name);
  }
}

/** A whole number clamped into [min, max]. */
export const clamp = (value: number, min: number, max: number) =>
  Math.min(max, Math.max(min, Math.round(value)));

/** Thrown by a mapping that cannot translate its source item; the message is the report's reason. */
export class Untranslatable extends Error {}

/** Thrown by a mapping when a field it cannot do without is empty. */
export class MissingField extends Untranslatable {
  constructor(readonly field: string) {
    super(`${field} is empty`);
  }
}

/** A string field a mapping cannot do without. */
export function need(f: Fields, name: string): string {
  const value = f.str(name);
  if (value === undefined) throw new MissingField(name);
  return value;
}

/** The JSON value of a text, or null when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
