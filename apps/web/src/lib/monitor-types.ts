import {
  type CheckFormField,
  type CheckType,
  type CommonFormField,
  findCheckType,
  monitorTypes,
} from '@sentinelmesh/core';

/** What the form shows for a monitor type, from core's check type registry. */
export interface TypeSpec {
  label: string;
  description: string;
  /** The type's own inputs; `name` is the API field each fills. */
  fields: readonly CheckFormField[];
  /** Assertion sources that make sense for this type (empty: the type takes no assertions). */
  assertionSources: readonly string[];
  /** Shared fields the form hides for this type (left to their defaults). */
  omits: readonly CommonFormField[];
}

export const availableMonitorTypes: readonly string[] = monitorTypes;

export function typeSpec(type: string): TypeSpec {
  const found = findCheckType(type);
  if (!found) return { label: type, description: '', fields: [], assertionSources: [], omits: [] };
  return {
    label: found.label,
    description: found.description,
    fields: found.form,
    assertionSources: found.assertions.sources,
    omits: (found as CheckType).formOmits ?? [],
  };
}
