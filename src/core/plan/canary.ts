import type { CanonicalRecord } from '../model/canonical.js';
import type { PlanOptions } from './types.js';

/**
 * A canary run's limits: `only` keeps the rows whose match key has one of the given values, `limit`
 * caps the creates and updates of the whole plan (every entity's, in dependency order). What either
 * leaves out is counted as skipped.
 */
export class Canary {
  private budget: number;

  constructor(private readonly options: Pick<PlanOptions, 'only' | 'limit'>) {
    this.budget = options.limit ?? Infinity;
  }

  /** Whether `only` leaves the row out: none of the keys it has (`present`) holds one of the values asked for. */
  leavesOut(record: CanonicalRecord, present: readonly string[]): boolean {
    const only = this.options.only;
    return only !== undefined && !present.some((k) => k.split('+').some((f) => only.includes(String(record.values[f]))));
  }

  /** Takes one create or update from the limit: false once it is spent. */
  spend(): boolean {
    return this.budget-- > 0;
  }
}

/** Whether the input is not the whole population (a canary, or only what changed lately): missing records then mean nothing. */
export function isPartial(options: Pick<PlanOptions, 'only' | 'limit' | 'incremental'>): boolean {
  return options.only !== undefined || options.limit !== undefined || options.incremental === true;
}
