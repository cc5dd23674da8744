import type { ReactNode } from 'react';
import type { LabelledProblem } from '../lib/field-errors';

export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: (control: ControlProps) => ReactNode;
}

/** A label, one control, an optional hint and the field's error, wired together for screen readers. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface ErrorSummaryProps {
  /** Problems that belong to no input (the API's answer, a conflict), shown first. */
  messages?: readonly string[];
  /** Every field's problem, labelled as the form labels it; each links to its input. */
  problems: readonly LabelledProblem[];
}

/**
 * Every problem of a form at once, above it: each field's under its label, so nothing hides further
 * down the page (or in an input the form does not show). The fields show their own message too.
 */
export function ErrorSummary({ messages = [], problems }: ErrorSummaryProps) {
  if (messages.length === 0 && problems.length === 0) return null;
  const count = problems.length;
  return (
    <div className="banner banner--error error-summary" role="alert">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
      {count > 0 ? (
        <>
          <p className="error-summary__title">
            {count === 1 ? 'Fix this problem to save:' : `Fix these ${count} problems to save:`}
          </p>
          <ul>
            {problems.map((problem) => (
              <li key={problem.id}>
                <a href={`#${problem.id}`}>{problem.label}</a>: {problem.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
