import type { CheckSpec } from '@sentinelmesh/core';

type WithoutBase<S> = S extends unknown
  ? Omit<S, 'id' | 'orgId' | 'name' | 'timeoutMs' | 'intervalSeconds' | 'assertions'> &
      Partial<Pick<S & { assertions: unknown }, 'assertions'>>
  : never;

/** A check spec for a benchmark case: the type's own fields, and the rest filled the same for every case. */
export function benchSpec(fields: WithoutBase<CheckSpec>): CheckSpec {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    orgId: '00000000-0000-4000-8000-000000000002',
    name: 'bench',
    timeoutMs: 5000,
    intervalSeconds: 10,
    assertions: [],
    ...fields,
  } as CheckSpec;
}
