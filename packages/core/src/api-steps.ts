import { readJsonPath } from './assertions';
import { compilePattern, MAX_MATCH_CHARS } from './regex';

/**
 * The templating of multi-step API checks: `{{name}}` in a step's URL, header values and body is
 * replaced by a variable's text. Nothing is evaluated: a placeholder names a variable, nothing else.
 */

/** A variable's name: a letter or underscore, then letters, digits or underscores. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

/** The longest text a variable keeps (an extracted value is cut to it). */
export const MAX_VARIABLE_CHARS = 8192;

/** The variable names a template uses, in order of first use. */
export function templateNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * The template with each placeholder replaced by `encode(value)`; `missing` lists names no variable
 * has (their placeholders are left as written).
 */
export function renderTemplate(
  template: string,
  variables: ReadonlyMap<string, string>,
  encode: (value: string) => string = (value) => value,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = variables.get(name);
    if (value === undefined) {
      missing.push(name);
      return whole;
    }
    return encode(value);
  });
  return { text, missing };
}

/** Where an extraction reads a value: a JSON path of the body, a header, or an RE2 pattern's match. */
export interface Extraction {
  name: string;
  from: 'json' | 'header' | 'regex';
  /** json: the JSON path; header: the header's name. */
  path?: string | undefined;
  /** regex: the RE2 pattern. */
  pattern?: string | undefined;
}

/** What a step's response offers to extractions. Header names are lower case. */
export interface ExtractableResponse {
  headers: Record<string, string>;
  body: string;
}

function jsonValue(body: string, path: string): string | null {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return null;
  }
  const value = readJsonPath(document, path);
  if (value === null || typeof value === 'symbol' || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function regexValue(body: string, pattern: string): string | null {
  const matcher = compilePattern(pattern).matcher(
    body.length > MAX_MATCH_CHARS ? body.slice(0, MAX_MATCH_CHARS) : body,
  );
  if (!matcher.find()) return null;
  // The first capturing group when the pattern has one, the whole match otherwise.
  return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group(0);
}

/** The text an extraction finds in a response, or null when it finds nothing. */
export function extractValue(extraction: Extraction, response: ExtractableResponse): string | null {
  const { from, path = '', pattern = '' } = extraction;
  let value: string | null;
  if (from === 'json') value = jsonValue(response.body, path);
  else if (from === 'header') value = response.headers[path.toLowerCase()] ?? null;
  else value = regexValue(response.body, pattern);
  return value === null ? null : value.slice(0, MAX_VARIABLE_CHARS);
}

/** How an extraction reads, for messages: `json $.token`, `header x-session`, `regex id=(\d+)`. */
export const describeExtraction = (e: Extraction): string =>
  `${e.from} ${(e.from === 'regex' ? e.pattern : e.path) ?? ''}`;
