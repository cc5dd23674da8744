export type CsvValue = string | number | boolean | Date | null;

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, with quotes doubled; null is empty. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One RFC 4180 record, ended by CRLF. */
export const csvRecord = (values: CsvValue[]) => `${values.map(csvField).join(',')}\r\n`;
