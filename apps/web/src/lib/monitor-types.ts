import { type CheckFormField, findCheckType, monitorTypes } from '@sentinelmesh/core';

/** What the form shows for a monitor type, from core's check type registry. */
export interface TypeSpec {
  label: string;
  description: string;
  /** The type's own inputs; `name` is the API field each fills. */
  fields: readonly CheckFormField[];
  /** Assertion sources that make sense for this type (empty: the type takes no assertions). */
  assertionSources: readonly string[];
}

export const availableMonitorTypes: readonly string[] = monitorTypes;

export function typeSpec(type: string): TypeSpec {
  const found = findCheckType(type);
  if (!found) return { label: type, description: '', fields: [], assertionSources: [] };
  return {
    label: found.label,
    description: found.description,
    fields: found.form,
    assertionSources: found.assertions.sources,
  };
}
