'use client';

import type { Assertion } from '@sentinelmesh/core';
import {
  type AssertionRow,
  emptyAssertionRow,
  needsPath,
  opLabels,
  opsFor,
  sourceLabels,
  valueHint,
} from '../lib/assertion-rows';

interface Props {
  rows: AssertionRow[];
  sources: readonly string[];
  errors: Partial<Record<string, string>>;
  onChange: (rows: AssertionRow[]) => void;
}

/** "HTTP status is between 200-299", one row per rule: every rule must hold for a check to pass. */
export function AssertionBuilder({ rows, sources, errors, onChange }: Props) {
  const update = (index: number, patch: Partial<AssertionRow>) =>
    onChange(
      rows.map((row, i) => {
        if (i !== index) return row;
        // A new source starts from its most natural comparison, e.g. JSON value "equals".
        if (patch.source && patch.source !== row.source) return emptyAssertionRow(patch.source, row.key);
        return { ...row, ...patch };
      }),
    );

  return (
    <fieldset className={errors.assertions ? 'field field--invalid' : 'field'}>
      <legend>Assertions</legend>
      <p className="field__hint" id="assertions-hint">
        Every rule must hold for a check to count as up. With no rule, any answer counts.
      </p>
      {errors.assertions ? <p className="field__error">{errors.assertions}</p> : null}
      <ol className="assertions">
        {rows.map((row, index) => {
          const id = (part: string) => `assertion-${index}-${part}`;
          const error = errors[id('value')] ?? errors[id('path')] ?? errors[id('op')];
          const hint = valueHint(row);
          return (
            <li key={row.key} className={error ? 'assertion field--invalid' : 'assertion'}>
              <label className="visually-hidden" htmlFor={id('source')}>
                Rule {index + 1}: what to check
              </label>
              <select
                id={id('source')}
                value={row.source}
                onChange={(e) => update(index, { source: e.target.value as Assertion['source'] })}
              >
                {sources.map((source) => (
                  <option key={source} value={source}>
                    {sourceLabels[source as Assertion['source']] ?? source}
                  </option>
                ))}
              </select>
              {needsPath(row.source) ? (
                <>
                  <label className="visually-hidden" htmlFor={id('path')}>
                    Rule {index + 1}: {row.source === 'json' ? 'JSON path' : 'header name'}
                  </label>
                  <input
                    id={id('path')}
                    type="text"
                    spellCheck={false}
                    placeholder={row.source === 'json' ? '$.status' : 'content-type'}
                    aria-invalid={errors[id('path')] ? true : undefined}
                    value={row.path}
                    onChange={(e) => update(index, { path: e.target.value })}
                  />
                </>
              ) : null}
              <label className="visually-hidden" htmlFor={id('op')}>
                Rule {index + 1}: comparison
              </label>
              <select
                id={id('op')}
                value={row.op}
                onChange={(e) => update(index, { op: e.target.value as Assertion['op'] })}
              >
                {opsFor(row.source).map((op) => (
                  <option key={op} value={op}>
                    {opLabels[op]}
                  </option>
                ))}
              </select>
              {row.op === 'exists' ? null : (
                <>
                  <label className="visually-hidden" htmlFor={id('value')}>
                    Rule {index + 1}: value
                  </label>
                  <input
                    id={id('value')}
                    type="text"
                    spellCheck={false}
                    placeholder={hint}
                    aria-invalid={errors[id('value')] ? true : undefined}
                    aria-describedby={error ? `${id('value')}-error` : undefined}
                    value={row.value}
                    onChange={(e) => update(index, { value: e.target.value })}
                  />
                </>
              )}
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
              >
                Remove<span className="visually-hidden"> rule {index + 1}</span>
              </button>
              {error ? (
                <p id={`${id('value')}-error`} className="field__error assertion__error">
                  {error}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() =>
          onChange([...rows, emptyAssertionRow(sources.includes('body') ? 'body' : 'responseTimeMs')])
        }
      >
        Add rule
      </button>
    </fieldset>
  );
}
