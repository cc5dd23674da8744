import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { isIPv4 } from 'node:net';

/** Records a test zone answers with, by name (lower case) and type. */
export type Zone = Record<string, Partial<Record<'A' | 'AAAA' | 'TXT' | 'MX' | 'CNAME', string[]>>>;

const TYPES: Record<number, 'A' | 'AAAA' | 'TXT' | 'MX' | 'CNAME'> = {
  1: 'A',
  28: 'AAAA',
  16: 'TXT',
  15: 'MX',
  5: 'CNAME',
};

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}

function rdata(type: string, value: string): Buffer {
  switch (type) {
    case 'A':
      return Buffer.from(value.split('.').map(Number));
    case 'AAAA': {
      const [head = '', tail = ''] = value.split('::');
      const h = head ? head.split(':') : [];
      const t = tail ? tail.split(':') : [];
      const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
      return Buffer.from(groups.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 255]));
    }
    case 'TXT':
      return Buffer.concat([Buffer.from([Buffer.byteLength(value)]), Buffer.from(value)]);
    case 'MX': {
      const [priority = '10', exchange = ''] = value.split(' ');
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(Number(priority));
      return Buffer.concat([pref, encodeName(exchange)]);
    }
    default:
      return encodeName(value);
  }
}

/** Answers a query from the zone: records, NODATA, or NXDOMAIN; `silent` names get no answer at all. */
function answer(query: Buffer, zone: Zone, silent: Set<string>, asked: string[]): Buffer | null {
  let offset = 12;
  const labels: string[] = [];
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset] ?? 0;
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString());
    offset += length + 1;
  }
  const questionEnd = offset + 5;
  const name = labels.join('.').toLowerCase();
  asked.push(name);
  if (silent.has(name)) return null;
  const type = TYPES[query.readUInt16BE(offset + 1)];
  const records = zone[name];
  const values = (type && records?.[type]) ?? [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(records ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(values.length, 6);
  const answers = values.map((value) => {
    const data = rdata(type as string, value);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0);
    fixed.writeUInt16BE(query.readUInt16BE(offset + 1), 2);
    fixed.writeUInt16BE(1, 4);
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(data.length, 10);
    return Buffer.concat([fixed, data]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, as a monitor's resolver. */
  address: string;
  /** Every name it was asked about, in order. */
  asked: string[];
  close: () => Promise<void>;
}

/** A minimal UDP DNS server on 127.0.0.1 for tests (A, AAAA, TXT, MX, CNAME). */
export async function startDnsServer(zone: Zone, silent: string[] = []): Promise<DnsServer> {
  const socket: Socket = createSocket('udp4');
  const quiet = new Set(silent);
  const asked: string[] = [];
  socket.on('message', (message, remote) => {
    try {
      const reply = answer(message, zone, quiet, asked);
      if (reply) socket.send(reply, remote.port, remote.address);
    } catch {
      // A malformed query gets no answer.
    }
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port, address } = socket.address();
  return {
    address: `${isIPv4(address) ? address : '127.0.0.1'}:${port}`,
    asked,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
