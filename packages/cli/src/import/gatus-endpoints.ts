import { dnsRecordTypes, httpMethods } from '@sentinelmesh/core';
import { clamp, Fields, need, Untranslatable } from './fields';
import { goDurationMs } from './gatus-duration';
import { type MonitorScope, PUSH_URL_CHANGES, type TypeFields } from './scope';
import { isResolverAddress, secretHeaders, secretUrl } from './secrets';

/** `host:port` or `[v6]:port`; the port is undefined when absent. */
function hostPort(address: string): { host: string; port?: number } {
  const match = /^(?:\[([^\]]+)\]|([^:/]+|[0-9a-f:]+?))(?::(\d+))?(?:\/.*)?$/i.exec(address);
  const host = match?.[1] ?? match?.[2];
  if (!host) throw new Untranslatable(`"${address}" is not host:port`);
  return { host, ...(match?.[3] ? { port: Number(match[3]) } : {}) };
}

const needPort = (port: number | undefined, url: string) => {
  if (port === undefined) throw new Untranslatable(`${url} has no port`);
  return port;
};

/** The monitor type and its own fields, from the endpoint's URL scheme (or its `dns` block). */
export function endpointType(f: Fields, m: MonitorScope): TypeFields {
  const url = need(f, 'url');
  const body = f.str('body');
  const dns = f.record('dns');
  if (dns) {
    const dnsFields = new Fields(dns);
    const recordType = need(dnsFields, 'query-type').toUpperCase();
    if (!(dnsRecordTypes as readonly string[]).includes(recordType)) {
      throw new Untranslatable(`DNS record type ${recordType} is not supported`);
    }
    const host = need(dnsFields, 'query-name').replace(/\.$/, '');
    for (const field of dnsFields.leftovers()) m.note(`dns.${field}`, 'option not imported');
    const resolver = url.replace(/:53$/, '');
    if (!isResolverAddress(resolver))
      m.note('url', `${url} is not an IP address; the system resolver is used`);
    return { type: 'dns', host, recordType, ...(isResolverAddress(resolver) ? { resolver } : {}) };
  }
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  const rest = url.replace(/^[a-z]+:\/\//i, '');
  switch (scheme) {
    case 'http':
    case 'https':
      return httpEndpoint(f, m, url, body);
    case 'tcp': {
      const { host, port } = hostPort(rest);
      return { type: 'tcp', host, port: needPort(port, url), ...(body ? { send: body } : {}) };
    }
    case 'udp': {
      const { host, port } = hostPort(rest);
      if (!body) throw new Untranslatable('a UDP check needs a body (the datagram to send)');
      return { type: 'udp', host, port: needPort(port, url), payload: body };
    }
    case 'icmp':
      return { type: 'ping', host: rest.replace(/^\[|\]$/g, '') };
    case 'tls': {
      const { host, port } = hostPort(rest);
      if (body) m.note('body', 'a TLS check sends nothing after the handshake');
      return { type: 'tls', host, ...(port ? { port } : {}) };
    }
    case 'starttls': {
      const { host, port } = hostPort(rest);
      return { type: 'smtp', host, tls: 'starttls', ...(port ? { port } : {}) };
    }
    case 'grpc':
    case 'grpcs': {
      const { host, port } = hostPort(rest);
      return {
        type: 'grpc',
        host,
        port: needPort(port, url),
        transport: scheme === 'grpcs' ? 'tls' : 'plaintext',
      };
    }
    case 'ws':
    case 'wss': {
      const headers = stringRecord(f.record('headers'));
      return {
        type: 'websocket',
        url: secretUrl(url, m.owner, m.ctx),
        ...(Object.keys(headers).length ? { headers: secretHeaders(headers, m.owner, m.ctx) } : {}),
        ...(body ? { message: body } : {}),
      };
    }
    case 'ssh': {
      const { host, port } = hostPort(rest);
      if (f.record('ssh'))
        m.note('ssh', 'SSH logins and commands are not supported; only the SSH banner is checked');
      return { type: 'tcp', host, port: port ?? 22, expect: 'SSH-' };
    }
    default:
      throw new Untranslatable(`endpoints with ${scheme ? `${scheme}://` : 'this'} URL are not supported`);
  }
}

function httpEndpoint(f: Fields, m: MonitorScope, url: string, body: string | undefined): TypeFields {
  const method = (f.str('method') ?? 'GET').toUpperCase();
  if (!(httpMethods as readonly string[]).includes(method))
    throw new Untranslatable(`method ${method} is not supported`);
  const headers = stringRecord(f.record('headers'));
  const graphql = f.bool('graphql') === true;
  if (graphql && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const sent = graphql && body ? JSON.stringify({ query: body }) : body;
  return {
    type: 'http',
    url: secretUrl(url, m.owner, m.ctx),
    ...(method !== 'GET' ? { method } : {}),
    ...(Object.keys(headers).length ? { headers: secretHeaders(headers, m.owner, m.ctx) } : {}),
    ...(sent ? { body: sent } : {}),
    assertions: [],
  };
}

/** A Gatus external endpoint with a heartbeat: results pushed to Gatus become a heartbeat monitor. */
export function externalEndpoint(f: Fields, m: MonitorScope): TypeFields {
  const heartbeat = new Fields(f.record('heartbeat'));
  const period = goDurationMs(heartbeat.str('interval') ?? '');
  if (period === undefined)
    throw new Untranslatable('without heartbeat.interval nothing notices when pushes stop');
  if (f.str('token')) {
    m.note('token', PUSH_URL_CHANGES);
  }
  return { type: 'heartbeat', periodSeconds: clamp(period / 1000, 10, 31_536_000) };
}

export function stringRecord(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]));
}
