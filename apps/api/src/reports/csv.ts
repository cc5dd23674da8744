export type CsvValue = string | number | boolean | Date | null;

/** Text a spreadsheet would read as a formula (OWASP CSV injection): `=`, `+`, `-`, `@`, tab or CR first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, with quotes doubled; null is empty.
 * Text that would start a formula gets a leading `'`; numbers, booleans and times are never text here,
 * so a negative number stays a number.
 */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One RFC 4180 record, ended by CRLF. */
export const csvRecord = (values: CsvValue[]) => `${values.map(csvField).join(',')}\r\n`;
