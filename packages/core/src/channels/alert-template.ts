import Mustache from 'mustache';

/**
 * User-defined alert bodies in Mustache (https://mustache.github.io/mustache.5.html): logic-less,
 * interpreted (nothing is compiled or evaluated), and limited here to the variables below. A
 * template is checked when it is saved; rendering looks values up only in objects without a
 * prototype, so no name reaches anything but these variables.
 */

/** What a template can name: a variable (true) or an object of variables. */
type VariableTree = { readonly [name: string]: true | VariableTree };

export const templateVariables = {
  alertId: true,
  event: true,
  label: true,
  title: true,
  cause: true,
  duration: true,
  target: true,
  link: true,
  ackUrl: true,
  acknowledgedBy: true,
  occurredAt: true,
  isDown: true,
  isUp: true,
  isFlapping: true,
  isAcknowledged: true,
  isTest: true,
  monitor: { id: true, name: true, url: true },
  incident: { id: true, openedAt: true, resolvedAt: true },
} as const satisfies VariableTree;

/** The values a template is rendered with; strings are null when the alert has no such fact. */
export interface TemplateView {
  alertId: string;
  event: string;
  label: string;
  title: string;
  cause: string | null;
  duration: string | null;
  target: string | null;
  link: string;
  ackUrl: string | null;
  acknowledgedBy: string | null;
  occurredAt: string;
  isDown: boolean;
  isUp: boolean;
  isFlapping: boolean;
  isAcknowledged: boolean;
  isTest: boolean;
  monitor: { id: string; name: string; url: string | null };
  incident: { id: string; openedAt: string; resolvedAt: string | null } | null;
}

export const MAX_TEMPLATE_LENGTH = 8 * 1024;
/** Sections never repeat (no variable is a list), but many tags each holding a long cause could add up. */
export const MAX_RENDERED_BODY_BYTES = 64 * 1024;

/** Whether bodies of this content type are JSON (`application/json`, `application/problem+json`, ...). */
export const isJsonContentType = (contentType: string) =>
  /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType.trim());

/** How a value is written into a body of this content type by `{{name}}`. */
export function templateEscape(contentType: string): (value: unknown) => string {
  const type = contentType.trim().toLowerCase();
  if (isJsonContentType(type)) return (value) => JSON.stringify(String(value)).slice(1, -1);
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return (value) => encodeURIComponent(String(value));
  }
  if (/^(text\/html|application\/xhtml\+xml|(text|application)\/([\w.-]+\+)?xml)\b/.test(type)) {
    return (value) =>
      String(value)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
  }
  return (value) => String(value);
}

// mustache's token tuples: [type, value, start, end, children?]; `{{{x}}}` parses as `&`.
type Token = [string, string, number, number, Token[]?];

const known = Object.keys(templateVariables).join(', ');

/** The variables a dotted name reaches from one scope, or null when it names none. */
function resolve(scope: VariableTree, name: string): true | VariableTree | null {
  let node: true | VariableTree = scope;
  for (const part of name.split('.')) {
    if (node === true || !Object.hasOwn(node, part)) return null;
    node = node[part] as true | VariableTree;
  }
  return node;
}

/** Problems of names in tokens, looked up from the innermost section out, as Mustache does. */
function checkTokens(tokens: Token[], scopes: VariableTree[], inSection: boolean, problems: string[]) {
  for (const [type, name, , , children] of tokens) {
    if (type === 'text' || type === '!' || type === '=') continue;
    if (type === '>') {
      problems.push(`partials ({{> ${name}}}) are not supported`);
      continue;
    }
    if (type === '&') {
      problems.push(
        `{{{${name}}}} and {{& ${name}}} would insert a value unescaped, which can break the body: use {{${name}}}`,
      );
    }
    const found =
      name === '.' && inSection
        ? true
        : scopes.reduceRight<true | VariableTree | null>((hit, scope) => hit ?? resolve(scope, name), null);
    if (found === null) {
      problems.push(`unknown variable "${name}"; the variables are ${known} (monitor.* and incident.* too)`);
      continue;
    }
    if ((type === 'name' || type === '&') && found !== true) {
      problems.push(`"${name}" is an object: name one of its fields (${Object.keys(found).join(', ')})`);
    }
    if (children) checkTokens(children, found === true ? scopes : [...scopes, found], true, problems);
  }
}

/**
 * Problems with a body template, in words for the API's answer; empty when it can be saved.
 * Syntax errors, unknown variables, partials and unescaped values (`{{{x}}}`, `{{& x}}`: every
 * value is escaped for the body's content type) are refused.
 */
export function templateProblems(template: string): string[] {
  let tokens: Token[];
  try {
    tokens = new Mustache.Writer().parse(template) as Token[];
  } catch (error) {
    return [`not a valid template: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  checkTokens(tokens, [templateVariables], false, problems);
  return [...new Set(problems)];
}

/** A copy of a value whose objects have no prototype, so lookups reach only its own fields. */
function bare(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value)) copy[key] = bare(inner);
  return copy;
}

/** The body a template gives for an alert, each `{{value}}` escaped for the content type. */
export function renderAlertTemplate(template: string, contentType: string, view: TemplateView): string {
  // A writer per render: mustache's shared writer would cache every template ever rendered.
  return new Mustache.Writer().render(template, bare(view), undefined, {
    escape: templateEscape(contentType),
  });
}
