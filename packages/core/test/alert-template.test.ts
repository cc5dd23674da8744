import { describe, expect, it } from 'vitest';
import {
  channelType,
  jsonTemplateProblem,
  renderAlertTemplate,
  type TemplateView,
  templateProblems,
} from '../src/channels';

const view: TemplateView = {
  alertId: 'a-1',
  event: 'monitor.down',
  label: 'DOWN',
  title: 'DOWN: Checkout "API"',
  cause: 'HTTP 500\nfrom <2> of 2 regions & more',
  duration: null,
  target: 'https://shop.example.com/health?a=1&b=2',
  link: 'https://dash.example.com/monitors/m-1',
  ackUrl: null,
  acknowledgedBy: null,
  occurredAt: '2026-01-05T09:14:00.000Z',
  isDown: true,
  isUp: false,
  isFlapping: false,
  isAcknowledged: false,
  isTest: false,
  monitor: { id: 'm-1', name: 'Checkout "API"', url: 'https://shop.example.com/health' },
  incident: { id: 'i-1', openedAt: '2026-01-05T09:14:00.000Z', resolvedAt: null },
};

describe('alert body templates', () => {
  it.each([
    ['{"text":"{{title}}"}'],
    ['{{#incident}}{{id}} opened {{openedAt}}{{/incident}}{{^incident}}no incident{{/incident}}'],
    ['{{#cause}}Cause: {{.}}{{/cause}} {{monitor.name}} {{! a comment }}'],
    ['{{=<% %>=}}<% title %>'],
  ])('accepts a template naming only known variables: %s', (template) => {
    expect(templateProblems(template)).toEqual([]);
  });

  it.each([
    ['{{constructor}}', 'unknown variable "constructor"'],
    ['{{monitor.__proto__}}', 'unknown variable "monitor.__proto__"'],
    ['{{title.length}}', 'unknown variable "title.length"'],
    ['{{monitor}}', '"monitor" is an object: name one of its fields (id, name, url)'],
    ['{{{cause}}}', 'would insert a value unescaped'],
    ['{{& cause}}', 'would insert a value unescaped'],
    ['{{> header}}', 'partials ({{> header}}) are not supported'],
    ['{{#incident}}{{id}}', 'not a valid template: Unclosed section "incident"'],
    ['{{title', 'not a valid template: Unclosed tag'],
  ])('refuses %s with a clear problem', (template, problem) => {
    expect(templateProblems(template).join('\n')).toContain(problem);
  });

  it("refuses a bad template in a channel's settings, naming the field", () => {
    const parsed = channelType('custom-webhook').settings.safeParse({
      url: 'https://example.com',
      bodyTemplate: '{"x":"{{process.env}}"}',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['bodyTemplate', expect.stringContaining('unknown variable "process.env"')],
    ]);
  });

  it('tries a JSON template on sample alerts, and names the one it breaks on', () => {
    expect(jsonTemplateProblem('{"t":"{{title}}","c":"{{cause}}"}', 'application/json')).toBeNull();
    expect(jsonTemplateProblem('{"t": {{title}}}', 'application/json')).toMatch(
      /^does not give valid JSON for a down alert/,
    );
    // Valid for a down (it has a cause), not for an up (it has none).
    expect(jsonTemplateProblem('{"c": {{#cause}}"{{.}}"{{/cause}}}', 'application/json')).toMatch(
      /^does not give valid JSON for an up alert/,
    );
    expect(jsonTemplateProblem('{"t": {{title}}}', 'text/plain')).toBeNull();
  });

  it('refuses, in the channel type, a JSON template that gives no JSON, and accepts it for plain text', () => {
    const type = channelType('custom-webhook');
    expect(type.problems?.({ url: 'https://e.example', bodyTemplate: '{{title}}' })).toEqual([
      { field: 'bodyTemplate', message: expect.stringContaining('does not give valid JSON') },
    ]);
    expect(
      type.problems?.({ url: 'https://e.example', bodyTemplate: '{{title}}', contentType: 'text/plain' }),
    ).toEqual([]);
  });

  it('escapes each value as a JSON string in a JSON body, so the body stays JSON', () => {
    const body = renderAlertTemplate(
      '{"title":"{{title}}","cause":"{{cause}}","ack":"{{ackUrl}}"{{#incident}},"incident":"{{id}}"{{/incident}}}',
      'application/json; charset=utf-8',
      view,
    );
    expect(JSON.parse(body)).toEqual({
      title: view.title,
      cause: view.cause,
      ack: '',
      incident: 'i-1',
    });
  });

  it('escapes for HTML, for a form body, and leaves plain text as it is', () => {
    expect(renderAlertTemplate('<p>{{cause}}</p>', 'text/html', view)).toBe(
      '<p>HTTP 500\nfrom &lt;2&gt; of 2 regions &amp; more</p>',
    );
    expect(renderAlertTemplate('t={{target}}', 'application/x-www-form-urlencoded', view)).toBe(
      `t=${encodeURIComponent(view.target ?? '')}`,
    );
    expect(renderAlertTemplate('{{title}}', 'text/plain', view)).toBe('DOWN: Checkout "API"');
  });

  it('renders sections for the event and for facts that are present only', () => {
    const template = '{{#isDown}}down{{/isDown}}{{#isUp}}up{{/isUp}}{{#duration}} for {{.}}{{/duration}}';
    expect(renderAlertTemplate(template, 'text/plain', view)).toBe('down');
    expect(
      renderAlertTemplate(template, 'text/plain', { ...view, isDown: false, isUp: true, duration: '3m' }),
    ).toBe('up for 3m');
  });

  it('reaches nothing outside the variables, even in a template that skipped the checks', () => {
    expect(
      renderAlertTemplate(
        '[{{constructor}}{{toString}}{{__proto__}}{{monitor.constructor}}]',
        'text/plain',
        view,
      ),
    ).toBe('[]');
  });
});
