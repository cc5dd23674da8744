import { startGrpcHealth, startUdpEcho, startWsServer } from '../../../../apps/worker/test/net-servers';
import type { BenchCase } from '../case';
import { benchSpec } from './spec';

/** Ping, UDP, WebSocket and gRPC health checks against their local servers on 127.0.0.1. */
export const cases: BenchCase[] = [
  {
    type: 'ping',
    label: '1 echo request to 127.0.0.1 (system ping)',
    async start() {
      return {
        spec: benchSpec({ type: 'ping', host: '127.0.0.1', count: 1, intervalMs: 200 }),
        close: async () => {},
      };
    },
  },
  {
    type: 'udp',
    label: 'datagram + reply contains',
    async start() {
      const server = await startUdpEcho();
      return {
        spec: benchSpec({
          type: 'udp',
          host: '127.0.0.1',
          port: server.port,
          payload: 'ping',
          payloadEncoding: 'utf8',
          expect: 'echo:ping',
          awaitReply: true,
        }),
        close: () => server.close(),
      };
    },
  },
  {
    type: 'websocket',
    label: 'upgrade + message + reply contains',
    async start() {
      const server = await startWsServer();
      return {
        spec: benchSpec({
          type: 'websocket',
          url: server.url('/echo'),
          headers: {},
          message: 'ping',
          expect: 'ping',
        }),
        close: () => server.close(),
      };
    },
  },
  {
    type: 'grpc',
    label: 'Health/Check, plaintext',
    async start() {
      const server = await startGrpcHealth();
      return {
        spec: benchSpec({
          type: 'grpc',
          host: '127.0.0.1',
          port: server.port,
          service: '',
          transport: 'plaintext',
        }),
        close: () => server.close(),
      };
    },
  },
];
