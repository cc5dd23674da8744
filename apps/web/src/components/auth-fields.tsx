import { MIN_PASSWORD_LENGTH } from '../lib/auth-forms';
import { Field } from './field';

interface TextFieldProps {
  value: string;
  onChange: (event: { target: { value: string } }) => void;
  error: string | undefined;
}

/** The account forms' email field; its id is the form field's name so errors can focus it. */
export function EmailField({ value, onChange, error }: TextFieldProps) {
  return (
    <Field id="email" label="Email" error={error}>
      {(control) => (
        <input {...control} type="email" autoComplete="email" value={value} onChange={onChange} />
      )}
    </Field>
  );
}

/**
 * A password field: `current` for the one the user has, `new` for one they choose (length rule in
 * the hint, plus `note` when choosing it has a consequence).
 */
export function PasswordField(
  props: TextFieldProps & { id: string; label: string; kind: 'current' | 'new'; note?: string },
) {
  const hint =
    props.kind === 'new'
      ? `At least ${MIN_PASSWORD_LENGTH} characters.${props.note ? ` ${props.note}` : ''}`
      : undefined;
  return (
    <Field id={props.id} label={props.label} hint={hint} error={props.error}>
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete={props.kind === 'new' ? 'new-password' : 'current-password'}
          minLength={props.kind === 'new' ? MIN_PASSWORD_LENGTH : undefined}
          value={props.value}
          onChange={props.onChange}
        />
      )}
    </Field>
  );
}
