'use client';

import { holdsStoredSecret, type MonitorFormValues, STORED_SECRET_HINT } from '../lib/monitor-form';

interface Props {
  values: MonitorFormValues;
  errors: Partial<Record<string, string>>;
  set: <K extends keyof MonitorFormValues>(field: K, value: MonitorFormValues[K]) => void;
}

let counter = 0;

/** Headers, body and redirects: folded away, since most monitors need none of them. */
export function RequestOptions({ values, errors, set }: Props) {
  const open = values.headers.length > 0 || values.body !== '' || !values.followRedirects;
  const storedSecrets = values.headers.some((h) => holdsStoredSecret(h.value));
  const setHeader = (index: number, patch: Partial<MonitorFormValues['headers'][number]>) =>
    set(
      'headers',
      values.headers.map((h, i) => (i === index ? { ...h, ...patch } : h)),
    );

  return (
    <details className="disclosure" open={open || Boolean(errors.headers || errors.body)}>
      <summary>Request options (headers, body, redirects)</summary>
      <fieldset className={errors.headers ? 'field field--invalid' : 'field'}>
        <legend>Headers</legend>
        {errors.headers ? <p className="field__error">{errors.headers}</p> : null}
        {storedSecrets ? (
          <p id="headers-secret-hint" className="field__hint">
            {STORED_SECRET_HINT} Remove the header to delete its value.
          </p>
        ) : null}
        <ul className="headers">
          {values.headers.map((header, index) => (
            <li key={header.key} className="header-row">
              <label className="visually-hidden" htmlFor={`header-${index}-name`}>
                Header {index + 1} name
              </label>
              <input
                id={`header-${index}-name`}
                type="text"
                placeholder="accept"
                spellCheck={false}
                value={header.name}
                onChange={(e) => setHeader(index, { name: e.target.value })}
              />
              <label className="visually-hidden" htmlFor={`header-${index}-value`}>
                Header {index + 1} value
              </label>
              <input
                id={`header-${index}-value`}
                type="text"
                placeholder="application/json"
                spellCheck={false}
                autoComplete="off"
                aria-describedby={holdsStoredSecret(header.value) ? 'headers-secret-hint' : undefined}
                value={header.value}
                onChange={(e) => setHeader(index, { value: e.target.value })}
              />
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() =>
                  set(
                    'headers',
                    values.headers.filter((_, i) => i !== index),
                  )
                }
              >
                Remove<span className="visually-hidden"> header {index + 1}</span>
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => set('headers', [...values.headers, { key: `nh${++counter}`, name: '', value: '' }])}
        >
          Add header
        </button>
      </fieldset>
      <div className={errors.body ? 'field field--invalid' : 'field'}>
        <label htmlFor="body">Request body</label>
        <textarea
          id="body"
          rows={3}
          spellCheck={false}
          aria-invalid={errors.body ? true : undefined}
          value={values.body}
          onChange={(e) => set('body', e.target.value)}
        />
        {errors.body ? <p className="field__error">{errors.body}</p> : null}
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.followRedirects}
          onChange={(e) => set('followRedirects', e.target.checked)}
        />{' '}
        Follow redirects
      </label>
    </details>
  );
}
