import { type MonitorStatus, mailPort } from '@sentinelmesh/core';
import type { Monitor } from './api-types';

export const EMPTY = '—';

export const statusLabels: Record<MonitorStatus, string> = {
  up: 'Up',
  down: 'Down',
  pending: 'Pending',
  flapping: 'Flapping',
  paused: 'Paused',
  maintenance: 'Maintenance',
};

export function monitorTarget(monitor: Monitor): string {
  switch (monitor.type) {
    case 'http':
      return monitor.url;
    case 'tcp':
    case 'tls':
      return `${monitor.host}:${monitor.port}`;
    case 'dns':
      return monitor.host;
    case 'heartbeat':
      return 'heartbeat';
    case 'ping':
      return monitor.host;
    case 'udp':
      return `udp ${monitor.host}:${monitor.port}`;
    case 'websocket':
      return monitor.url;
    case 'grpc':
      return `${monitor.host}:${monitor.port}`;
    case 'smtp':
    case 'imap':
    case 'pop3':
      return `${monitor.host}:${mailPort(monitor.type, monitor)}`;
    case 'domain':
      return monitor.domain;
    case 'api':
      return monitor.steps[0]?.url ?? 'api';
    case 'postgres':
    case 'mysql':
    case 'redis':
      return `${monitor.type}://${monitor.host}:${monitor.port}`;
    case 'browser':
      return monitor.url ?? 'browser script';
  }
}

export function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return EMPTY;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; tolerates small clock skew. */
export function formatRelative(iso: string, nowMs: number): string {
  const seconds = Math.round((nowMs - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return EMPTY;
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatDateTime(value: string | number): string {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? EMPTY : dateTime.format(ms);
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return EMPTY;
  if (value >= 99.995) return '100%';
  return `${value.toFixed(value >= 99 ? 2 : 1)}%`;
}
