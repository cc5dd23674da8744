import { describe, expect, it } from 'vitest';
import type { MonitorStatus } from '../src';
import {
  type DependencyNode,
  dependsOnSchema,
  findDependencyCycle,
  isDownStatus,
  suppressionReason,
} from '../src/dependencies';

const graph = (edges: [DependencyNode, DependencyNode[]][]) => new Map(edges);

describe('findDependencyCycle', () => {
  it.each([
    [
      'finds no cycle in a chain',
      graph([
        ['m:a', ['m:b']],
        ['m:b', ['m:c']],
      ]),
      'm:a',
      null,
    ],
    [
      'finds a cycle through monitors',
      graph([
        ['m:a', ['m:b']],
        ['m:b', ['m:c']],
        ['m:c', ['m:a']],
      ]),
      'm:a',
      ['m:a', 'm:b', 'm:c', 'm:a'],
    ],
    [
      'finds a monitor depending on the group it is in',
      graph([
        ['m:a', ['g:x']],
        ['g:x', ['m:b', 'm:a']],
      ]),
      'm:a',
      ['m:a', 'g:x', 'm:a'],
    ],
    [
      'finds no cycle in a diamond (two paths to one parent)',
      graph([
        ['m:a', ['m:b', 'g:x']],
        ['g:x', ['m:b']],
        ['m:b', ['m:c']],
      ]),
      'm:a',
      null,
    ],
    [
      'reports a cycle reached from the start but not through it',
      graph([
        ['m:a', ['m:b']],
        ['m:b', ['m:c']],
        ['m:c', ['m:b']],
      ]),
      'm:a',
      ['m:b', 'm:c', 'm:b'],
    ],
  ] as const)('%s', (_name, edges, start, expected) => {
    expect(findDependencyCycle(edges, start)).toEqual(expected);
  });
});

describe('suppressionReason', () => {
  it('names the first parent down by name, or none', () => {
    expect(suppressionReason([])).toBeNull();
    expect(suppressionReason([{ name: 'DB', down: false }])).toBeNull();
    expect(
      suppressionReason([
        { name: 'Router', down: true },
        { name: 'DB', down: false },
        { name: 'Core', down: true },
      ]),
    ).toBe('parent "Core" is down');
  });

  it('counts down and flapping monitors as down, and nothing else', () => {
    const down: MonitorStatus[] = ['down', 'flapping'];
    const notDown: (MonitorStatus | null)[] = ['up', 'pending', 'paused', 'maintenance', null];
    expect(down.every((s) => isDownStatus(s))).toBe(true);
    expect(notDown.some((s) => isDownStatus(s))).toBe(false);
  });
});

describe('dependsOnSchema', () => {
  it('fills a list left out with none, and refuses unknown keys', () => {
    expect(dependsOnSchema.parse({ monitorIds: ['a'] })).toEqual({ monitorIds: ['a'], groupIds: [] });
    expect(dependsOnSchema.safeParse({ monitorIds: [], parents: [] }).success).toBe(false);
  });
});
