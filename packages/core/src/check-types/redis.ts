import { z } from 'zod';
import { type CheckType, defineCheckType } from './check-type';
import {
  databaseAssertions,
  databaseConnectionFields,
  databaseConnectionForm,
  databaseSecrets,
  databaseTarget,
} from './database';

/**
 * The commands a Redis check may send, with how many arguments each takes: reads that are cheap on
 * any server. Anything else is refused when the monitor is saved and again by the check.
 */
export const redisReadCommands: Readonly<Record<string, readonly [min: number, max: number]>> = {
  PING: [0, 1],
  ECHO: [1, 1],
  GET: [1, 1],
  EXISTS: [1, 16],
  TTL: [1, 1],
  PTTL: [1, 1],
  TYPE: [1, 1],
  STRLEN: [1, 1],
  LLEN: [1, 1],
  LINDEX: [2, 2],
  SCARD: [1, 1],
  SISMEMBER: [2, 2],
  HLEN: [1, 1],
  HGET: [2, 2],
  HEXISTS: [2, 2],
  ZCARD: [1, 1],
  ZSCORE: [2, 2],
  DBSIZE: [0, 0],
  INFO: [0, 1],
};

/** A command's name (upper case) and arguments; words are separated by spaces. */
export function parseRedisCommand(text: string): { name: string; args: string[] } {
  const [name = '', ...args] = text.trim().split(/\s+/);
  return { name: name.toUpperCase(), args };
}

/** Why a command may not be sent, or null when it is one of the allowed reads with a valid arity. */
export function redisCommandProblem(text: string): string | null {
  const { name, args } = parseRedisCommand(text);
  const arity = Object.hasOwn(redisReadCommands, name) ? redisReadCommands[name] : undefined;
  if (!arity) {
    return `${name || 'an empty command'} is not allowed; allowed: ${Object.keys(redisReadCommands).join(', ')}`;
  }
  const [min, max] = arity;
  if (args.length < min || args.length > max) {
    return min === max
      ? `${name} takes ${min} argument${min === 1 ? '' : 's'}`
      : `${name} takes ${min} to ${max} arguments`;
  }
  return null;
}

const redisCommand = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .superRefine((text, ctx) => {
    const problem = redisCommandProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(`one read command, words separated by spaces: ${Object.keys(redisReadCommands).join(', ')}`);

/** A Redis login and one allowed read command (PING when none is given), whose reply is judged. */
export const redisCheckType = defineCheckType({
  type: 'redis',
  label: 'Redis',
  description: 'Logs in to a Redis server and sends PING or another read command; can judge the reply.',
  fields: {
    ...databaseConnectionFields(6379, undefined),
    db: z.number().int().min(0).max(255).default(0),
    command: redisCommand.optional(),
  },
  assertions: databaseAssertions,
  secrets: databaseSecrets,
  form: [
    ...databaseConnectionForm(6379, undefined, 'cache.example.com'),
    { name: 'db', label: 'Database number', kind: 'number', initial: '0' },
    {
      name: 'command',
      label: 'Command (optional)',
      kind: 'text',
      optional: true,
      placeholder: 'GET feature:enabled',
      hint: 'A read command: PING, GET, EXISTS, TTL, INFO <section>, DBSIZE, ... Empty: PING.',
    },
  ],
  target: (config: { host: string; port: number; db: number }) =>
    databaseTarget('redis', config.host, config.port, config.db),
  targetHosts: (config: { host: string }) => [{ path: 'host', host: config.host }],
} as const satisfies CheckType<'redis'>);
