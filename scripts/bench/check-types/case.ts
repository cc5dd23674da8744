import type { CheckSpec } from '@sentinelmesh/core';

export interface BenchCase {
  type: string;
  label: string;
  start(): Promise<{ spec: CheckSpec; close(): Promise<void> }>;
}
