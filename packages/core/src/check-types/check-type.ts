import { z } from 'zod';
import type { Assertion, assertionSources } from '../schemas/assertion';
import { commonFields, withDefaults } from '../schemas/monitor-fields';

type AssertionSource = (typeof assertionSources)[number];

/** How the dashboard's monitor form shows one of a type's fields. */
export interface CheckFormField {
  /** The API field it fills. */
  name: string;
  label: string;
  /** `code`: several lines of text (a script); `json`: a text area whose JSON is sent as the field's value. */
  kind: 'text' | 'number' | 'select' | 'list' | 'code' | 'json';
  options?: readonly string[];
  /** What a select shows for each option (the option itself when not given). */
  optionLabels?: Readonly<Record<string, string>>;
  /** A select of `true`/`false` whose choice is sent as a boolean. */
  boolean?: true;
  hint?: string;
  placeholder?: string;
  /** Left out of the request when empty, so the API's default applies. */
  optional?: boolean;
  /** What the input holds before anything is typed. */
  initial?: string;
  /** A secret (a password): the input hides what is typed and keeps it as typed, spaces included. */
  secret?: true;
}

/** The shared monitor fields a type can leave out of its form. */
export type CommonFormField = 'timeoutMs' | 'regions' | 'retryIntervalSeconds';

/**
 * Which of a type's fields hold secrets: sealed at rest, masked in responses, configs and jobs, and
 * filled in by the worker just before the check runs (packages/core/src/monitor-secrets.ts).
 */
export interface CheckTypeSecrets {
  /** The type's `url` and `headers` follow HTTP's rules: URL credentials and secret query values, non-public header values. */
  urlAndHeaders?: true;
  /** Top-level fields whose whole value is secret: a string (a password), or each value of a record of strings. */
  fields?: readonly string[];
  /**
   * The fields saying where the secret `fields` are sent (`host`, `port`): an edit that changes any of
   * them must send the secret values again, so a stored secret can never be redirected elsewhere.
   */
  boundTo?: readonly string[];
}

/**
 * A field of a monitor naming a host its checks connect to, judged by the address it leads to; `name`
 * marks a name the check only asks about (a DNS monitor's), judged by what it would reveal.
 */
export interface TargetHost {
  path: string;
  host: string;
  name?: true;
}

/**
 * One check type, defined in one module: its fields (with their defaults) as POST /v1/monitors
 * takes them, the assertions it can judge, and what the dashboard shows for it. The monitor
 * schemas, the job's check spec and the PATCH fields are all derived from it.
 */
export interface CheckType<Type extends string = string> {
  type: Type;
  /** Shown in the type picker. */
  label: string;
  /** Shown under the type picker. */
  description: string;
  /** The type's own fields, with their defaults. Every one of them is carried in the check spec. */
  fields: z.ZodRawShape;
  /** Kept in the stored monitor only: never taken as input, never put in a job. */
  storedFields?: z.ZodRawShape;
  assertions: {
    /** The assertion sources the type can judge (empty: it takes no assertions). */
    sources: readonly AssertionSource[];
    /** What a monitor of this type gets when it gives none. */
    defaults: readonly Assertion[];
    /** Assertions of other sources are accepted and ignored rather than refused. */
    lenient?: boolean;
  };
  /** The form's inputs for the type's fields, in the order shown. */
  form: readonly CheckFormField[];
  /** Fields every monitor has that mean nothing for this type: the form hides them and leaves their defaults. */
  formOmits?: readonly CommonFormField[];
  /** The fields holding secrets; none when absent. */
  secrets?: CheckTypeSecrets;
  /**
   * What an alert's receiver sees of where the checks go (`monitor.url`): a URL without user info and
   * with secret query values masked, `tcp://host:port` and the like, or null. Takes the type's stored
   * config (core's `monitorTarget` passes the right one).
   */
  target(config: Record<string, unknown>): string | null;
  /**
   * The fields naming where the checks connect, with their hosts: the API refuses private ones at
   * create and update unless the deployment allows them. Takes the type's stored config.
   */
  targetHosts(config: Record<string, unknown>): TargetHost[];
  /**
   * Rules for what a person writes, beyond the schema: the API applies them at create, and at
   * update to the fields that change. Stored monitors and check jobs are not judged by them, so a
   * rule added later never stops a monitor saved before it. Takes the type's stored config.
   */
  writeProblems?(config: Record<string, unknown>): Array<{ path: string; message: string }>;
}

/** What every check spec carries, whatever its type. */
export const checkSpecBase = {
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  timeoutMs: z.number().int(),
  intervalSeconds: z.number().int(),
  assertions: z.array(z.custom<Assertion>()),
  /** The monitor's `updated_at` in ms, when the spec holds masks its secrets fill. */
  secretsVersion: z.number().int().optional(),
};

/** Fields a stored monitor has resolved, whatever the input left out. */
const resolved = { regions: commonFields.regions, timeoutMs: commonFields.timeoutMs };

type StoredFieldsOf<T> = T extends { storedFields: infer S extends z.ZodRawShape } ? S : Record<never, never>;

/** The schemas a check type's definition implies: its create input, its stored config, its job spec. */
export function defineCheckType<const T extends CheckType>(definition: T) {
  const type: z.ZodLiteral<T['type']> = z.literal(definition.type);
  const fields: T['fields'] = definition.fields;
  const storedFields = (definition.storedFields ?? {}) as StoredFieldsOf<T>;
  const input = z.strictObject({
    type,
    name: commonFields.name,
    ...withDefaults(definition.assertions.defaults),
    ...fields,
  });
  const config = input.extend({ ...resolved, ...storedFields });
  const spec = z.object({ type, ...checkSpecBase, ...fields });
  return { ...definition, input, config, spec };
}
