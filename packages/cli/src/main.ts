import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApiError, apiClient } from './api-client';
import { exportOrganization, toYaml } from './export';
import type { Env } from './file/env';
import { loadSentinelFile } from './file/load';
import { formatProblem } from './file/problems';
import { formatReport, type ImportResult, importGatus, importKuma, renderImport } from './import';
import { type PlanResult, renderPlan } from './plan/render';

/** Where the CLI reads and writes: the process's own in production, a test's in tests. */
export interface Io {
  env: Env;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `sentinelmesh <command> [options]

Commands:
  validate            check the file (exit 0 valid, 1 not)
  plan                show what apply would change (exit 0 nothing, 2 changes, 1 error)
  apply               make the organization match the file (--prune also deletes
                      managed resources the file no longer has)
  export              write the organization as a file (-o file, default stdout)
  import kuma <file>  translate an Uptime Kuma JSON backup into a file (-o file, default stdout)
  import gatus <file> translate a Gatus config.yaml into a file (-o file, default stdout);
                      what cannot be translated is listed on stderr (in --json: "report")

Options:
  -f, --file <path>           sentinelmesh.yaml, or a folder of *.yaml (default sentinelmesh.yaml)
      --api-url <url>         default SENTINELMESH_API_URL
      --api-key <key>         default SENTINELMESH_API_KEY
      --prune                 plan/apply: delete managed resources missing from the file
      --expect-revision <r>   apply: refuse if the organization changed since the plan that printed r
      --json                  machine-readable output
  -o, --output <path>         export, import: the file to write
`;

/** Exit codes: 0 success (plan: no changes), 1 error, 2 plan with changes. */
export async function run(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { command, options } = parsed;
  const json = options.json === true;
  const fail = (message: string, extra: Record<string, unknown> = {}) => {
    if (json) io.out(`${JSON.stringify({ ok: false, error: message, ...extra })}\n`);
    else io.err(`${message}\n`);
    return 1;
  };
  let locate: ((path: string) => { file: string; line: number }) | undefined;
  try {
    if (command === 'validate' || command === 'plan' || command === 'apply') {
      const path = options.file ?? 'sentinelmesh.yaml';
      const loaded = await loadSentinelFile(path, io.env);
      if (!loaded.ok) {
        if (json) io.out(`${JSON.stringify({ ok: false, problems: loaded.problems })}\n`);
        else
          io.err(
            `${loaded.problems.map(formatProblem).join('\n')}\n${loaded.problems.length} problem(s) in ${path}; nothing was changed.\n`,
          );
        return 1;
      }
      if (command === 'validate') {
        const counts = Object.fromEntries(Object.entries(loaded.resources).map(([k, v]) => [k, v.length]));
        io.out(json ? `${JSON.stringify({ ok: true, counts })}\n` : `${path} is valid.\n`);
        return 0;
      }
      locate = loaded.locate;
      const api = connect(options, io.env);
      const body = {
        resources: loaded.resources,
        prune: options.prune === true,
        ...(command === 'apply' && options['expect-revision']
          ? { expectedRevision: options['expect-revision'] }
          : {}),
      };
      const result = await api.post<PlanResult>(`/v1/managed/${command}`, body);
      io.out(json ? `${JSON.stringify({ ok: true, ...result })}\n` : renderPlan(result));
      return command === 'plan' && result.changes.length > 0 ? 2 : 0;
    }
    if (command === 'export') {
      const { document, variables } = await exportOrganization(connect(options, io.env));
      const yaml = toYaml(document);
      if (options.output) {
        await writeFile(options.output, yaml);
        if (json) io.out(`${JSON.stringify({ ok: true, file: options.output, variables })}\n`);
        else
          io.err(
            `wrote ${options.output}${variables.length ? `; set ${variables.join(', ')} before applying it` : ''}\n`,
          );
      } else io.out(json ? `${JSON.stringify({ ok: true, document, variables })}\n` : yaml);
      return 0;
    }
    if (command === 'import') {
      const [source, file] = parsed.rest;
      if ((source !== 'kuma' && source !== 'gatus') || !file) {
        return fail(`import wants a source (kuma or gatus) and a file\n\n${USAGE}`);
      }
      const text = await readFile(file, 'utf8');
      let result: ImportResult;
      if (source === 'kuma') {
        let backup: unknown;
        try {
          backup = JSON.parse(text);
        } catch (error) {
          return fail(`${file} is not JSON: ${(error as Error).message}`);
        }
        result = importKuma(backup);
      } else result = importGatus(text);
      const yaml = renderImport(result, source);
      if (options.output) await writeFile(options.output, yaml);
      if (json) {
        io.out(
          `${JSON.stringify({ ok: true, ...(options.output ? { file: options.output } : { document: result.document }), report: result.report })}\n`,
        );
      } else {
        if (!options.output) io.out(yaml);
        const lines = formatReport(result.report);
        io.err(
          `${options.output ? `wrote ${options.output}\n` : ''}${result.report.length ? `${lines}\n` : 'everything was translated\n'}`,
        );
      }
      return 0;
    }
    return fail(command ? `unknown command: ${command}\n\n${USAGE}` : USAGE);
  } catch (error) {
    if (error instanceof ApiError) {
      // The API names a problem by its path in the request's resources: the file's own paths.
      const problems = error.errors.map((e) => ({ ...(locate && e.path ? locate(e.path) : {}), ...e }));
      const details = problems
        .map((e) =>
          'file' in e ? `  ${e.file}:${e.line}: ${e.path}: ${e.message}` : `  ${e.path}: ${e.message}`,
        )
        .join('\n');
      return fail(details ? `${error.message}\n${details}` : error.message, {
        status: error.status,
        problems,
      });
    }
    return fail((error as Error).message);
  }
}

function parse(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string', short: 'f' },
      'api-url': { type: 'string' },
      'api-key': { type: 'string' },
      prune: { type: 'boolean' },
      'expect-revision': { type: 'string' },
      json: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
    },
  });
  return { command: positionals[0], rest: positionals.slice(1), options: values };
}

function connect(options: { 'api-url'?: string | undefined; 'api-key'?: string | undefined }, env: Env) {
  const url = options['api-url'] ?? env.SENTINELMESH_API_URL;
  const key = options['api-key'] ?? env.SENTINELMESH_API_KEY;
  if (!url) throw new Error('no API URL: set SENTINELMESH_API_URL or pass --api-url');
  if (!key)
    throw new Error(
      'no API key: set SENTINELMESH_API_KEY or pass --api-key (POST /v1/api-keys, role member)',
    );
  return apiClient(url, key);
}
