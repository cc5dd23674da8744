import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatReport, importGatus, importKuma, renderImport } from '../../src/import';
import { fixture } from './support';

describe('writing an import', () => {
  it.each([
    ['kuma', () => importKuma(JSON.parse(fixture('kuma-backup.json')))],
    ['gatus', () => importGatus(fixture('gatus-config.yaml'))],
  ] as const)(
    'writes the %s document as YAML that reads back the same, headed by the variables to set',
    (source, run) => {
      const result = run();
      const text = renderImport(result, source);
      expect(parse(text)).toEqual(result.document);
      const header = text.slice(0, text.indexOf('version: 1'));
      for (const entry of result.report.filter((e) => e.env)) expect(header).toContain(`#   ${entry.env}\n`);
    },
  );

  it('prints one line per report entry', () => {
    const text = formatReport([
      {
        source: 'gatus',
        item: 'endpoint "docs"',
        field: 'client.insecure',
        reason: 'certificates are always verified',
      },
      { source: 'gatus', item: 'storage', reason: 'global Gatus setting' },
    ]);
    expect(text).toBe(
      'endpoint "docs" [client.insecure]: certificates are always verified\nstorage: global Gatus setting',
    );
  });
});
