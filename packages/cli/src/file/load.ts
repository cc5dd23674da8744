import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DesiredResources,
  resourceKinds,
  retiredFieldMessage,
  type SentinelFile,
  sentinelFileSchema,
} from '@sentinelmesh/core';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { type Env, type MissingVariable, substituteEnv, withSecrets } from './env';
import { type FileProblem, locate } from './problems';

interface Source {
  path: string;
  doc: Document;
  lines: LineCounter;
}

/** The YAML files a path names: the file itself, or a folder's *.yaml and *.yml in name order. */
async function filesOf(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return names.map((n) => join(path, n));
}

const kinds = resourceKinds;

/** Where each merged entry came from: its file and its index there. */
type Origin = { source: Source; path: (string | number)[] };

export type LoadResult =
  | {
      ok: true;
      file: SentinelFile;
      resources: DesiredResources;
      /** Where a path of the merged document (`monitors.3.group`, as the API names it) was written. */
      locate(path: string): { file: string; line: number };
    }
  | { ok: false; problems: FileProblem[] };

type Issue = { code: string; path: PropertyKey[]; message: string; keys?: string[] };

/** One problem per issue; an id field an older export wrote gets its own, saying what to write instead. */
function describeIssue(
  issue: Issue,
  where: (path: PropertyKey[]) => Omit<FileProblem, 'message'>,
): FileProblem[] {
  if (issue.code !== 'unrecognized_keys' || !issue.keys)
    return [{ ...where(issue.path), message: issue.message }];
  const retired = issue.keys.flatMap((key) => {
    const message = retiredFieldMessage(issue.path, key);
    return message ? [{ ...where([...issue.path, key]), message }] : [];
  });
  const rest = issue.keys.filter((key) => !retiredFieldMessage(issue.path, key));
  const unknown =
    rest.length > 0
      ? [
          {
            ...where(issue.path),
            message: `Unrecognized key${rest.length > 1 ? 's' : ''}: ${rest.map((k) => `"${k}"`).join(', ')}`,
          },
        ]
      : [];
  return [...retired, ...unknown];
}

/**
 * Reads a sentinelmesh.yaml (or a folder of them, merged: each kind's entries in file order) and
 * validates it whole; every problem names its file, line and path.
 */
export async function loadSentinelFile(path: string, env: Env): Promise<LoadResult> {
  const problems: FileProblem[] = [];
  const merged: Record<string, unknown[]> = {};
  const origins = new Map<string, Origin>();
  let version: unknown;
  let schema: unknown;
  const files = await filesOf(path);
  if (files.length === 0)
    return { ok: false, problems: [{ file: path, line: 0, path: '', message: 'no *.yaml files here' }] };
  for (const file of files) {
    const lines = new LineCounter();
    const doc = parseDocument(await readFile(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
    const source = { path: file, doc, lines };
    for (const error of doc.errors) {
      problems.push({
        file,
        line: lines.linePos(error.pos[0]).line,
        path: '',
        message: error.message.split('\n')[0] ?? '',
      });
    }
    if (doc.errors.length > 0) continue;
    const value = (doc.toJS() ?? {}) as Record<string, unknown>;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        file,
        line: 1,
        path: '',
        message: 'the file must be a mapping (version: 1, monitors: [...])',
      });
      continue;
    }
    version ??= value.version;
    schema ??= value.$schema;
    for (const [name, entries] of Object.entries(value)) {
      if (name === 'version' || name === '$schema') continue;
      if (!(kinds as readonly string[]).includes(name) || !Array.isArray(entries)) {
        // Left as it is, so the schema names it at its own line.
        origins.set(name, { source, path: [name] });
        merged[name] = entries as unknown[];
        continue;
      }
      const list = merged[name] ?? [];
      merged[name] = list;
      entries.forEach((entry, i) => {
        origins.set(`${name}.${list.length}`, { source, path: [name, i] });
        list.push(entry);
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const where = (issuePath: PropertyKey[]) => {
    const [kind, index, ...rest] = issuePath.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const origin = origins.get(`${String(kind)}.${String(index)}`) ?? origins.get(String(kind));
    const within = origin?.path.length === 1 && index !== undefined ? [index, ...rest] : rest;
    const at = origin
      ? locate(origin.source, [...origin.path, ...within])
      : { file: files[0] ?? path, line: 1 };
    return { ...at, path: issuePath.map(String).join('.') };
  };
  const unset = (missing: MissingVariable[]) =>
    missing.map((m) => ({ ...where(m.path), message: `the environment variable ${m.name} is not set` }));
  const substituted = substituteEnv({ ...merged, version, ...(schema ? { $schema: schema } : {}) }, env);
  const parsed = sentinelFileSchema.safeParse(substituted.document);
  problems.push(...unset(substituted.missing));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, where));
    return { ok: false, problems };
  }
  const { resources, missing } = withSecrets(parsed.data, env);
  problems.push(...unset(missing));
  if (problems.length > 0) return { ok: false, problems };
  const locateApiPath = (at: string) =>
    where(at.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
  return { ok: true, file: parsed.data, resources, locate: locateApiPath };
}
