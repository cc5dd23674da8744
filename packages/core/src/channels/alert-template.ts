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

/**
 * Alerts to try a template on before it is saved: a down with every fact (quotes, a newline and a
 * backslash in its cause), and an up without a cause or an acknowledge link.
 */
export const sampleTemplateViews: readonly TemplateView[] = [
  {
    alertId: '00000000-0000-4000-8000-000000000001',
    event: 'monitor.down',
    label: 'DOWN',
    title: 'DOWN: Checkout "API"',
    cause: 'HTTP 500 from 2 of 2 regions: "bad \\ gateway"\nsecond line',
    duration: 'down since 09:14:00 UTC',
    target: 'https://shop.example.com/health?a=1&b=2',
    link: 'https://dashboard.example.com/monitors/m',
    ackUrl: 'https://dashboard.example.com/ack/token',
    acknowledgedBy: null,
    occurredAt: '2026-01-05T09:14:00.000Z',
    isDown: true,
    isUp: false,
    isFlapping: false,
    isAcknowledged: false,
    isTest: false,
    monitor: { id: 'm', name: 'Checkout "API"', url: 'https://shop.example.com/health' },
    incident: { id: 'i', openedAt: '2026-01-05T09:14:00.000Z', resolvedAt: null },
  },
  {
    alertId: '00000000-0000-4000-8000-000000000002',
    event: 'monitor.up',
    label: 'UP',
    title: 'UP: Checkout',
    cause: null,
    duration: 'down for 3m 20s',
    target: null,
    link: 'https://dashboard.example.com/monitors/m',
    ackUrl: null,
    acknowledgedBy: null,
    occurredAt: '2026-01-05T09:17:20.000Z',
    isDown: false,
    isUp: true,
    isFlapping: false,
    isAcknowledged: false,
    isTest: false,
    monitor: { id: 'm', name: 'Checkout', url: null },
    incident: { id: 'i', openedAt: '2026-01-05T09:14:00.000Z', resolvedAt: '2026-01-05T09:17:20.000Z' },
  },
];

/** Why a template saved for a JSON content type would not give JSON, or null when it does for the samples. */
export function jsonTemplateProblem(template: string, contentType: string): string | null {
  if (!isJsonContentType(contentType) || templateProblems(template).length > 0) return null;
  for (const view of sampleTemplateViews) {
    try {
      JSON.parse(renderAlertTemplate(template, contentType, view));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return `does not give valid JSON for ${view.isDown ? 'a down' : 'an up'} alert (${reason}); the content type is ${contentType}`;
    }
  }
  return null;
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
