import type { CheckOutcome, CheckSpec, CheckSpecOf, MonitorType } from '@sentinelmesh/core';
import { apiCheck } from './api-check';
import { browserCheck } from './browser-check';
import type { CheckContext, CheckExecutor } from './context';
import { dnsCheck } from './dns-check';
import { domainCheck } from './domain-check';
import { grpcCheck } from './grpc-check';
import { heartbeatCheck } from './heartbeat-check';
import { httpCheck } from './http-check';
import { imapCheck, pop3Check, smtpCheck } from './mail-check';
import { mysqlCheck } from './mysql-check';
import { failedOutcome, shorten } from './outcome';
import { pingCheck } from './ping-check';
import { postgresCheck } from './postgres-check';
import { redisCheck } from './redis-check';
import { tcpCheck } from './tcp-check';
import { tlsCheck } from './tls-check';
import { udpCheck } from './udp-check';
import { websocketCheck } from './websocket-check';

export type { CheckContext, CheckExecutor, CheckRunner, HeartbeatReader } from './context';
export { RdapClient } from './rdap-client';

/** The executor of each check type in core's registry; a type without one does not compile. */
const executors: { [T in MonitorType]: CheckExecutor<T> } = {
  http: httpCheck,
  tcp: tcpCheck,
  dns: dnsCheck,
  tls: tlsCheck,
  heartbeat: heartbeatCheck,
  ping: pingCheck,
  udp: udpCheck,
  websocket: websocketCheck,
  grpc: grpcCheck,
  smtp: smtpCheck,
  imap: imapCheck,
  pop3: pop3Check,
  domain: domainCheck,
  api: apiCheck,
  postgres: postgresCheck,
  mysql: mysqlCheck,
  redis: redisCheck,
  browser: browserCheck,
};

const execute = <T extends MonitorType>(type: T, spec: CheckSpecOf<T>, ctx: CheckContext) =>
  executors[type](spec, ctx);

/** Runs a check of any type. Never throws: whatever goes wrong becomes an `internal` outcome. */
export async function runCheck(spec: CheckSpec, ctx: CheckContext): Promise<CheckOutcome> {
  try {
    return await execute(spec.type, spec, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failedOutcome({ kind: 'internal', message: shorten(`check crashed: ${message}`) });
  }
}
