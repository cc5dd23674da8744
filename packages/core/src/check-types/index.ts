import { z } from 'zod';
import type { StoredMonitorConfig } from '../schemas/monitor';
import { apiCheckType } from './api';
import { browserCheckType } from './browser';
import type { CheckType, TargetHost } from './check-type';
import { dnsCheckType } from './dns';
import { domainCheckType } from './domain';
import { grpcCheckType } from './grpc';
import { heartbeatCheckType } from './heartbeat';
import { httpCheckType } from './http';
import { imapCheckType, pop3CheckType, smtpCheckType } from './mail';
import { mysqlCheckType } from './mysql';
import { pingCheckType } from './ping';
import { postgresCheckType } from './postgres';
import { redisCheckType } from './redis';
import { tcpCheckType } from './tcp';
import { tlsCheckType } from './tls';
import { udpCheckType } from './udp';
import { websocketCheckType } from './websocket';

export * from './api';
export * from './browser';
export * from './check-type';
export * from './database';
export * from './dns';
export * from './domain';
export * from './grpc';
export * from './heartbeat';
export * from './http';
export * from './mail';
export * from './mysql';
export * from './ping';
export * from './postgres';
export * from './redis';
export * from './tcp';
export * from './tls';
export * from './udp';
export * from './websocket';

/** Keeps a registry's keys and its types' names the same. */
const registry = <const R extends { [K in keyof R]: CheckType<K & string> }>(types: R): R => types;

/** Every check type, by name, in the order the API documents and the dashboard offers them. */
export const checkTypes = registry({
  http: httpCheckType,
  tcp: tcpCheckType,
  dns: dnsCheckType,
  tls: tlsCheckType,
  heartbeat: heartbeatCheckType,
  ping: pingCheckType,
  udp: udpCheckType,
  websocket: websocketCheckType,
  grpc: grpcCheckType,
  smtp: smtpCheckType,
  imap: imapCheckType,
  pop3: pop3CheckType,
  domain: domainCheckType,
  api: apiCheckType,
  postgres: postgresCheckType,
  mysql: mysqlCheckType,
  redis: redisCheckType,
  browser: browserCheckType,
});

export type MonitorType = keyof typeof checkTypes;
type AnyCheckType = (typeof checkTypes)[MonitorType];

/** The values of a non-empty list, typed as such (zod's unions and enums want one). */
function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('the check type registry is empty');
  return [first, ...rest];
}

const allTypes = nonEmpty(Object.values(checkTypes));

/** One value per registered check type, in registry order (the order of the API's `oneOf`). */
export const eachCheckType = <R>(map: (type: AnyCheckType) => R): [R, ...R[]] => nonEmpty(allTypes.map(map));

/** The names of the check types, which a monitor's `type` is one of. */
export const monitorTypes = eachCheckType((t) => t.type);

/** The type's definition; undefined for a name no type has (a form value, a stored row). */
export function findCheckType(name: string): AnyCheckType | undefined {
  return Object.hasOwn(checkTypes, name) ? checkTypes[name as MonitorType] : undefined;
}

/**
 * What a worker needs to run one check of a monitor, by type: carried in the job, so a check costs
 * no database read. Secret values are masked: a worker fills them from the monitor's sealed secrets,
 * which it caches per `secretsVersion` (the monitor's `updated_at` in ms when the spec was built).
 */
export const checkSpecSchema = z.discriminatedUnion(
  'type',
  eachCheckType((t) => t.spec),
);
export type CheckSpec = z.output<typeof checkSpecSchema>;
/** The check spec of one type. */
export type CheckSpecOf<T extends MonitorType> = Extract<CheckSpec, { type: T }>;

/** A stored monitor config of one type. */
type StoredConfigOf<T extends MonitorType> = Extract<StoredMonitorConfig, { type: T }>;

/** The registry seen through its per-type functions, each taking its own type's stored config. */
const perType: {
  [T in MonitorType]: {
    target(config: StoredConfigOf<T>): string | null;
    targetHosts(config: StoredConfigOf<T>): TargetHost[];
  };
} = checkTypes;

const targetOf = <T extends MonitorType>(type: T, config: StoredConfigOf<T>) => perType[type].target(config);
const targetHostsIn = <T extends MonitorType>(type: T, config: StoredConfigOf<T>) =>
  perType[type].targetHosts(config);

/**
 * What a receiver of an alert sees of where a monitor's checks go: its URL without user info and with
 * secret query values masked, `tcp://host:port` and the like, or null (heartbeats). Each type says.
 */
export const monitorTarget = (config: StoredMonitorConfig): string | null => targetOf(config.type, config);

/** The fields of a monitor naming where its checks connect, with their hosts. Each type says. */
export const monitorTargetHosts = (config: StoredMonitorConfig): TargetHost[] =>
  targetHostsIn(config.type, config);
