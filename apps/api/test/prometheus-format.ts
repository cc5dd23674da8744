/**
 * A strict check of the Prometheus text exposition format (0.0.4), for when promtool is not installed:
 * names and labels well formed, one TYPE per family before its samples, samples belong to the family
 * of the last TYPE, numbers parse, histogram buckets are cumulative and end with le="+Inf" = _count.
 */
export function checkExposition(text: string): string[] {
  const problems: string[] = [];
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
  const LABEL = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"\s*$/;
  const types = new Map<string, string>();
  const buckets = new Map<string, Array<{ le: number; value: number }>>();
  const counts = new Map<string, number>();
  let family: string | null = null;
  if (!text.endsWith('\n')) problems.push('the exposition must end with a newline');
  for (const [index, line] of text.split('\n').entries()) {
    const at = `line ${index + 1}`;
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const name = line.slice(7).split(' ')[0] ?? '';
      if (!NAME.test(name)) problems.push(`${at}: bad metric name in HELP`);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      if (!name || !NAME.test(name)) problems.push(`${at}: bad metric name in TYPE`);
      if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? ''))
        problems.push(`${at}: bad type`);
      if (types.has(name ?? '')) problems.push(`${at}: second TYPE for ${name}`);
      types.set(name ?? '', type ?? '');
      family = name ?? null;
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) {
      problems.push(`${at}: not a sample: ${line}`);
      continue;
    }
    const [, name = '', , labelText, valueText = ''] = match;
    const type = family ? types.get(family) : undefined;
    const suffixes =
      type === 'histogram'
        ? ['_bucket', '_sum', '_count']
        : type === 'summary'
          ? ['', '_sum', '_count']
          : [''];
    if (!family || !suffixes.some((s) => name === `${family}${s}`))
      problems.push(`${at}: ${name} outside its family's TYPE`);
    const value = Number(valueText);
    if (Number.isNaN(value) && !['NaN', '+Inf', '-Inf'].includes(valueText))
      problems.push(`${at}: bad value ${valueText}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      for (const pair of labelText.split(/,(?=\s*[a-zA-Z_][a-zA-Z0-9_]*=")/)) {
        if (pair.trim() === '') continue;
        const label = LABEL.exec(pair);
        if (!label) problems.push(`${at}: bad label ${pair}`);
        else if (label[1] && label[1] in labels) problems.push(`${at}: repeated label ${label[1]}`);
        else if (label[1]) labels[label[1]] = label[2] ?? '';
      }
    }
    if (type === 'histogram') {
      const { le, ...rest } = labels;
      const series = `${family}${JSON.stringify(rest)}`;
      if (name.endsWith('_bucket')) {
        if (le === undefined) problems.push(`${at}: bucket without le`);
        const list = buckets.get(series) ?? [];
        list.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), value });
        buckets.set(series, list);
      } else if (name.endsWith('_count')) counts.set(series, value);
    }
  }
  for (const [series, list] of buckets) {
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1] as { le: number; value: number };
      const cur = list[i] as { le: number; value: number };
      if (!(cur.le > prev.le)) problems.push(`${series}: buckets not in increasing le order`);
      if (cur.value < prev.value) problems.push(`${series}: buckets not cumulative`);
    }
    const last = list[list.length - 1];
    if (!last || last.le !== Number.POSITIVE_INFINITY) problems.push(`${series}: no le="+Inf" bucket`);
    else if (counts.get(series) !== last.value)
      problems.push(`${series}: _count differs from the +Inf bucket`);
  }
  return problems;
}
