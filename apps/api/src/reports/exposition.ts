/** One sample of a gauge family: its labels in the order written, and its value. */
export interface Sample {
  labels: Array<[string, string]>;
  value: number;
}

export interface GaugeFamily {
  name: string;
  help: string;
  samples: Sample[];
}

/** Label values escape backslash, double quote and line feed (text exposition format 0.0.4). */
export const escapeLabelValue = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** HELP text escapes backslash and line feed only. */
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

const formatValue = (value: number) =>
  Number.isNaN(value) ? 'NaN' : value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : String(value);

/** Gauge families in the Prometheus text exposition format 0.0.4; a family without samples is left out. */
export function renderGauges(families: GaugeFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} gauge`);
    for (const sample of family.samples) {
      const labels = sample.labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',');
      lines.push(`${family.name}${labels ? `{${labels}}` : ''} ${formatValue(sample.value)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
