import { describe, expect, it } from 'vitest';
import { type CaseFigures, checkTypesTable } from '../scripts/bench/check-types/table';

const row = (type: string, checksPerSecond: number, failed = 0): CaseFigures => ({
  type,
  label: `${type} case`,
  checks: 100,
  failed,
  checksPerSecond,
  p50Ms: 1.25,
  p95Ms: 9.5,
  firstError: null,
});

describe('check-type benchmark table', () => {
  it('prints checks/s per type next to HTTP, as a share of it', () => {
    const lines = checkTypesTable([row('http', 200), row('udp', 500), row('grpc', 50, 3)]).split('\n');
    expect(lines[0]).toMatch(/^type\s+case\s+checks\/s\s+vs http\s+p50 ms\s+p95 ms\s+checks\s+failed$/);
    expect(lines[2]).toMatch(/^http\s+http case\s+200\s+100%\s+1\.3\s+9\.5\s+100\s+0$/);
    expect(lines[3]).toMatch(/^udp\s+udp case\s+500\s+250%/);
    expect(lines[4]).toMatch(/^grpc\s+grpc case\s+50\s+25%.*\s3$/);
  });

  it('keeps the digits of a type slower than one check a second, rather than printing 0', () => {
    const lines = checkTypesTable([row('http', 674), row('browser', 0.6), row('ping', 3.25)]).split('\n');
    expect(lines[3]).toMatch(/^browser\s+browser case\s+0\.60\s+0\.09%\s/);
    expect(lines[4]).toMatch(/^ping\s+ping case\s+3\.3\s+0\.48%\s/);
  });

  it('leaves the share out when HTTP was not run', () => {
    expect(checkTypesTable([row('udp', 500)]).split('\n')[2]).toMatch(/^udp\s+udp case\s+500\s+-\s/);
  });
});
