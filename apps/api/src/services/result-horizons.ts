import { sql } from 'kysely';
import type { TenantDb } from '../context';

export const ROLLUPS_THROUGH_KEY = 'rollups_hourly_through';
/** Raw results before this were removed by retention (set by the retention job). */
export const RESULTS_RETAINED_FROM_KEY = 'results_retained_from';

export interface ResultHorizons {
  /** Hours before this are in the rollups. */
  rolledThrough: number;
  /** Raw results before this were removed. */
  rawFrom: number;
}

/** Which hours the rollups hold and which raw results are still kept; hides the storage engine. */
export async function resultHorizons(db: TenantDb): Promise<ResultHorizons> {
  const { rows } = await sql<{ storage: string | null; through: string | null; retained: string | null }>`
    SELECT (SELECT value FROM meta WHERE key = 'check_results_storage') AS storage,
      (SELECT value FROM meta WHERE key = ${ROLLUPS_THROUGH_KEY}) AS through,
      (SELECT value FROM meta WHERE key = ${RESULTS_RETAINED_FROM_KEY}) AS retained`.execute(db);
  const row = rows[0];
  const at = (value: string | null | undefined, missing: number) => {
    const ms = value ? Date.parse(value) : Number.NaN;
    return Number.isFinite(ms) ? ms : missing;
  };
  // TimescaleDB's real-time aggregate is complete up to now.
  const rolledThrough =
    row?.storage === 'timescale' ? Number.POSITIVE_INFINITY : at(row?.through, Number.NEGATIVE_INFINITY);
  return { rolledThrough, rawFrom: at(row?.retained, Number.NEGATIVE_INFINITY) };
}
