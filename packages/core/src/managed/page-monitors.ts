/** The order a page shows its monitors: component by component, then those in none, each once. */
export function pageMonitorOrder(monitors: string[], components: Array<{ monitors: string[] }>): string[] {
  return [...new Set([...components.flatMap((c) => c.monitors), ...monitors])];
}

/** The page's monitors that are in none of its components, in order, each once. */
export function monitorsOutsideComponents(
  monitors: string[],
  components: Array<{ monitors: string[] }>,
): string[] {
  const grouped = new Set(components.flatMap((c) => c.monitors));
  return [...new Set(monitors.filter((m) => !grouped.has(m)))];
}
