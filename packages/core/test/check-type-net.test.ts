import { describe, expect, it } from 'vitest';
import { checkTypes, monitorTarget } from '../src/check-types';
import { createMonitorSchema, type StoredMonitorConfig } from '../src/schemas/monitor';

const parse = (body: Record<string, unknown>) => createMonitorSchema.safeParse({ name: 'x', ...body });
const paths = (body: Record<string, unknown>) => {
  const result = parse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('ping, udp, websocket and grpc schemas', () => {
  it('fill their defaults', () => {
    expect(parse({ type: 'ping', host: 'example.com' }).data).toMatchObject({
      count: 3,
      intervalMs: 500,
      assertions: [],
    });
    expect(parse({ type: 'udp', host: 'example.com', port: 53, payload: 'x' }).data).toMatchObject({
      payloadEncoding: 'utf8',
      awaitReply: true,
      assertions: [],
    });
    expect(parse({ type: 'websocket', url: 'wss://example.com/s' }).data).toMatchObject({
      headers: {},
      assertions: [],
    });
    expect(parse({ type: 'grpc', host: 'example.com', port: 50051 }).data).toMatchObject({
      service: '',
      transport: 'plaintext',
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ type: 'ping', host: 'example.com', count: 0 }, 'count'],
    [{ type: 'ping', host: 'example.com', count: 11 }, 'count'],
    [{ type: 'ping', host: 'https://example.com' }, 'host'],
    [{ type: 'udp', host: 'example.com', port: 0, payload: 'x' }, 'port'],
    [{ type: 'udp', host: 'example.com', port: 53, payload: '' }, 'payload'],
    [{ type: 'websocket', url: 'http://example.com/' }, 'url'],
    [{ type: 'websocket', url: 'wss://example.com/', headers: { 'bad header': 'x' } }, 'headers.bad header'],
    [{ type: 'grpc', host: 'example.com', port: 70_000 }, 'port'],
  ])('refuse %j at %s', (body, path) => {
    expect(paths(body)).toContain(path);
  });

  it('take only the assertion sources each can judge', () => {
    expect(checkTypes.ping.assertions.sources).toEqual(['responseTimeMs', 'packetLossPercent']);
    expect(
      paths({
        type: 'udp',
        host: 'h',
        port: 1,
        payload: 'x',
        assertions: [{ source: 'packetLossPercent', op: 'eq', value: 0 }],
      }),
    ).toContain('assertions.0.source');
    expect(
      paths({
        type: 'http',
        url: 'https://e.com',
        assertions: [{ source: 'packetLossPercent', op: 'eq', value: 0 }],
      }),
    ).toContain('assertions.0.source');
  });

  it('name their targets for alerts, without URL credentials', () => {
    const config = (body: Record<string, unknown>) => parse(body).data as StoredMonitorConfig;
    expect(monitorTarget(config({ type: 'ping', host: 'example.com' }))).toBe('icmp://example.com');
    expect(monitorTarget(config({ type: 'udp', host: 'example.com', port: 53, payload: 'x' }))).toBe(
      'udp://example.com:53',
    );
    expect(monitorTarget(config({ type: 'grpc', host: 'example.com', port: 443, transport: 'tls' }))).toBe(
      'grpcs://example.com:443',
    );
    expect(monitorTarget(config({ type: 'websocket', url: 'wss://u:p@example.com/s' }))).toBe(
      'wss://example.com/s',
    );
  });
});
