import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, ServerCredentials, type ServiceDefinition, status } from '@grpc/grpc-js';
import type { CheckSpecOf } from '@sentinelmesh/core';
import { WebSocketServer } from 'ws';
import { HEALTH_CHECK_METHOD } from '../src/checks/grpc-check';

/** Local servers of the network check types' protocols on 127.0.0.1, for the tests and the benchmark. */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

export interface LocalServer {
  port: number;
  close(): Promise<void>;
}

/** A UDP server: echoes each datagram prefixed with "echo:", or (silent) answers nothing. */
export async function startUdpEcho(options: { silent?: boolean } = {}): Promise<LocalServer> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => {
    if (!options.silent) socket.send(Buffer.concat([Buffer.from('echo:'), message]), from.port, from.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    port: socket.address().port,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

export interface WsServer extends LocalServer {
  url(path: string): string;
  /** The headers of the latest upgrade request. */
  lastHeaders: () => IncomingHttpHeaders | null;
}

/**
 * A WebSocket server. Paths: /echo echoes each message, /greet says "hello" on open, /silent says
 * nothing, /close closes at once (1011), /forbidden refuses the upgrade with 403. It picks the
 * subprotocol "chat" when offered.
 */
export async function startWsServer(): Promise<WsServer> {
  let lastHeaders: IncomingHttpHeaders | null = null;
  const http = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
  });
  http.on('upgrade', (req, socket, head) => {
    lastHeaders = req.headers;
    if (req.url === '/forbidden') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      if (req.url === '/greet') ws.send('hello');
      else if (req.url === '/close') ws.close(1011, 'going away');
      else if (req.url === '/echo') ws.on('message', (data, binary) => ws.send(data, { binary }));
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    lastHeaders: () => lastHeaders,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

// An object, not the bare name: the server library takes a falsy request for no request at all.
const decodeRequest = (bytes: Buffer) => ({
  service: bytes.length > 2 ? bytes.subarray(2).toString('utf8') : '',
});
const encodeResponse = (servingStatus: number) => Buffer.from([0x08, servingStatus]);

const healthService: ServiceDefinition = {
  Check: {
    path: HEALTH_CHECK_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: { service: string }) => Buffer.from(value.service),
    requestDeserialize: decodeRequest,
    responseSerialize: encodeResponse,
    responseDeserialize: (bytes: Buffer) => bytes[1] ?? 0,
  },
};

/**
 * A grpc.health.v1 server: the whole server ("") and "api" are SERVING, "down" NOT_SERVING,
 * "unsure" UNKNOWN, "slow" never answers, anything else NOT_FOUND. `health: false` serves nothing
 * (every call UNIMPLEMENTED); `tls` uses the self-signed localhost certificate.
 */
export async function startGrpcHealth(
  options: { tls?: boolean; health?: boolean } = {},
): Promise<LocalServer> {
  const server = new Server();
  const statuses: Record<string, number> = { '': 1, api: 1, down: 2, unsure: 0 };
  if (options.health !== false) {
    server.addService(healthService, {
      Check: (
        call: { request: { service: string } },
        callback: (error: { code: number; details: string } | null, value?: number) => void,
      ) => {
        if (call.request.service === 'slow') return;
        const found = statuses[call.request.service];
        if (found === undefined) callback({ code: status.NOT_FOUND, details: 'unknown service' });
        else callback(null, found);
      },
    });
  }
  const credentials = options.tls
    ? ServerCredentials.createSsl(null, [
        { private_key: fixture('self-signed.key'), cert_chain: fixture('self-signed.crt') },
      ])
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

const specBase = {
  id: '00000000-0000-4000-8000-000000000001',
  orgId: '00000000-0000-4000-8000-000000000002',
  name: 'target',
  timeoutMs: 2000,
  intervalSeconds: 10,
  assertions: [],
};

export const pingSpec = (
  host: string,
  overrides: Partial<CheckSpecOf<'ping'>> = {},
): CheckSpecOf<'ping'> => ({
  ...specBase,
  type: 'ping',
  host,
  count: 3,
  intervalMs: 200,
  ...overrides,
});

export const udpSpec = (
  host: string,
  port: number,
  overrides: Partial<CheckSpecOf<'udp'>> = {},
): CheckSpecOf<'udp'> => ({
  ...specBase,
  type: 'udp',
  host,
  port,
  payload: 'ping',
  payloadEncoding: 'utf8',
  awaitReply: true,
  ...overrides,
});

export const websocketSpec = (
  url: string,
  overrides: Partial<CheckSpecOf<'websocket'>> = {},
): CheckSpecOf<'websocket'> => ({ ...specBase, type: 'websocket', url, headers: {}, ...overrides });

export const grpcSpec = (
  host: string,
  port: number,
  overrides: Partial<CheckSpecOf<'grpc'>> = {},
): CheckSpecOf<'grpc'> => ({
  ...specBase,
  type: 'grpc',
  host,
  port,
  service: '',
  transport: 'plaintext',
  ...overrides,
});
