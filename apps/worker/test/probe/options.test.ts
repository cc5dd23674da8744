import { describe, expect, it } from 'vitest';
import { loadProbeOptions } from '../../src/probe/options';

const TOKEN = `smp_${'a'.repeat(43)}`;

describe('probe settings', () => {
  it('takes the gateway and token from flags, defaults for the rest', () => {
    const options = loadProbeOptions(['--gateway', 'https://api.example.com', '--token', TOKEN], {});
    expect(options.gateway.href).toBe('https://api.example.com/');
    expect(options.token).toBe(TOKEN);
    expect(options).toMatchObject({ spoolDir: './probe-spool', spoolMaxMib: 256, concurrency: 200 });
  });

  it('falls back to PROBE_* variables, a flag winning over its variable', () => {
    const options = loadProbeOptions(['--concurrency', '50'], {
      PROBE_GATEWAY: 'https://gw.example.com/base',
      PROBE_TOKEN: TOKEN,
      PROBE_CONCURRENCY: '7',
      PROBE_SPOOL_MAX_MIB: '16',
      PROBE_SPOOL_DIR: '/var/lib/probe',
    });
    expect(options).toMatchObject({ concurrency: 50, spoolMaxMib: 16, spoolDir: '/var/lib/probe' });
    expect(options.gateway.pathname).toBe('/base');
  });

  it.each([
    ['http://api.example.com', 'must be https://'],
    ['https://user:pw@api.example.com', 'takes no credentials'],
    ['not a url', 'gateway'],
  ])('refuses the gateway %s', (gateway, message) => {
    expect(() => loadProbeOptions(['--gateway', gateway, '--token', TOKEN], {})).toThrow(message);
  });

  it.each(['http://127.0.0.1:3001', 'http://localhost:3001', 'http://[::1]:3001'])(
    'accepts plain HTTP to the loopback gateway %s',
    (gateway) => {
      expect(loadProbeOptions(['--gateway', gateway, '--token', TOKEN], {}).gateway.protocol).toBe('http:');
    },
  );

  it('names every missing or bad setting, never echoing the token given', () => {
    const attempt = () =>
      loadProbeOptions(['--token', 'smp_short-secret-value!'], { PROBE_SPOOL_MAX_MIB: '0' });
    expect(attempt).toThrow(/--gateway \(PROBE_GATEWAY\)/);
    expect(attempt).toThrow(/--token \(PROBE_TOKEN\)/);
    expect(attempt).toThrow(/--spool-max-mib \(PROBE_SPOOL_MAX_MIB\)/);
    expect(attempt).not.toThrow(/short-secret-value/);
  });

  it('refuses a flag it does not know, with the usage', () => {
    expect(() => loadProbeOptions(['--redis-url', 'redis://x'], {})).toThrow(/usage: probe --gateway/);
  });
});
