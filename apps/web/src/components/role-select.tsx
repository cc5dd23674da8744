import type { Role } from '../lib/api-types';
import { Field } from './field';

export const roles: { value: Role; label: string }[] = [
  { value: 'viewer', label: 'Viewer — read only' },
  { value: 'member', label: 'Member — manage monitors, channels, maintenance' },
  { value: 'admin', label: 'Admin — also members and API keys' },
  { value: 'owner', label: 'Owner — everything' },
];

/** A form's "Role" field: a select of the roles with their meaning, and the field's error. */
export function RoleField(props: {
  id: string;
  value: Role;
  onChange: (role: Role) => void;
  error?: string | undefined;
  /** Only an owner may grant `owner`. */
  allowOwner?: boolean;
}) {
  const offered = props.allowOwner === false ? roles.filter((r) => r.value !== 'owner') : roles;
  return (
    <Field id={props.id} label="Role" error={props.error}>
      {(c) => (
        <select {...c} value={props.value} onChange={(e) => props.onChange(e.target.value as Role)}>
          {offered.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
