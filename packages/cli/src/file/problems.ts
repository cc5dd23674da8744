import { type Document, isCollection, type LineCounter } from 'yaml';

/** One thing wrong with a file, where an editor can jump to it. */
export interface FileProblem {
  file: string;
  line: number;
  /** The path inside the document, e.g. `monitors.2.intervalSeconds`. */
  path: string;
  message: string;
}

/** The line of the deepest node `path` reaches (a missing field: the line of its entry). */
export function locate(
  source: { path: string; doc: Document; lines: LineCounter },
  path: (string | number)[],
) {
  let node: unknown = source.doc.contents;
  let offset = (source.doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const step of path) {
    if (!isCollection(node)) break;
    const next = node.get(step, true) as { range?: [number] } | undefined;
    if (!next?.range) {
      // A key whose value is missing or null: point at the key itself.
      const pair = (node.items as Array<{ key?: { value?: unknown; range?: [number] } }>).find(
        (item) => item.key?.value === step,
      );
      if (pair?.key?.range) offset = pair.key.range[0];
      break;
    }
    node = next;
    offset = next.range[0];
  }
  return { file: source.path, line: source.lines.linePos(offset).line };
}

export const formatProblem = (p: FileProblem) =>
  `${p.file}:${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
