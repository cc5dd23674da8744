import { describe, expect, it } from 'vitest';
import { referenceMonitorSecrets } from '../src/export-secrets';

/** `${NAME}`, as a file writes a reference. */
const ref = (name: string) => `\${${name}}`;

const MASK = '********';

describe('monitor secrets in an export', () => {
  it('names each masked part after the monitor and its place, URL parts by what they are', () => {
    const taken = new Set<string>();
    const { monitor, variables } = referenceMonitorSecrets(
      'partner-api',
      {
        type: 'http',
        url: `https://bot:${MASK}@api.example.com/v1?region=eu&access_token=${MASK}`,
        headers: { Authorization: MASK, Accept: 'application/json' },
        tags: ['prod'],
      },
      taken,
    );
    expect(monitor).toEqual({
      type: 'http',
      url: `https://bot:${ref('MONITOR_PARTNER_API_URL_PASSWORD')}@api.example.com/v1?region=eu&access_token=${ref('MONITOR_PARTNER_API_URL_ACCESS_TOKEN')}`,
      headers: {
        Authorization: ref('MONITOR_PARTNER_API_HEADERS_AUTHORIZATION'),
        Accept: 'application/json',
      },
      tags: ['prod'],
    });
    expect(variables).toEqual([
      'MONITOR_PARTNER_API_URL_PASSWORD',
      'MONITOR_PARTNER_API_URL_ACCESS_TOKEN',
      'MONITOR_PARTNER_API_HEADERS_AUTHORIZATION',
    ]);
  });

  it('references each secret variable of a browser or API check, and never reuses a name', () => {
    const taken = new Set(['MONITOR_SMOKE_PASSWORD']);
    const { monitor, variables } = referenceMonitorSecrets(
      'smoke',
      { type: 'api', secretVariables: { secret_token: MASK, secret_pin: MASK }, password: MASK },
      taken,
    );
    expect(monitor).toEqual({
      type: 'api',
      secretVariables: {
        secret_token: ref('MONITOR_SMOKE_SECRET_VARIABLES_SECRET_TOKEN'),
        secret_pin: ref('MONITOR_SMOKE_SECRET_VARIABLES_SECRET_PIN'),
      },
      password: ref('MONITOR_SMOKE_PASSWORD_2'),
    });
    expect(variables).toHaveLength(3);
    expect(taken.size).toBe(4);
  });

  it('leaves a monitor without masks as it is', () => {
    const plain = { type: 'tcp', host: 'db.example.com', port: 5432 };
    expect(referenceMonitorSecrets('db', plain, new Set())).toEqual({ monitor: plain, variables: [] });
  });
});
