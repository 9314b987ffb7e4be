import { RemoteError } from '../../errors.js';

/**
 * When the writes of a run fail as a whole rather than row by row: `inARow` systemic failures one after
 * another, or `share` of the first `first` writes failing systemically. A row the platform refuses
 * (validation, not found, a conflict) is that row's failure and never trips it.
 */
export interface BreakerPolicy {
  inARow: number;
  first: number;
  share: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { inARow: 10, first: 50, share: 0.5 };

/** Failures that say the target is failing, not the row: a server error or no answer after the retries, a rate limit it kept, an answer not understood, a write whose outcome is unknown. */
export function systemic(error: unknown): boolean {
  return error instanceof RemoteError && (error.kind === 'unavailable' || error.kind === 'rate_limited' || error.kind === 'unexpected' || error.kind === 'outcome_unknown');
}

/**
 * A circuit breaker over an apply's writes, told each write's outcome as it completes. Once it trips,
 * no new write should start (those in flight finish): `tripped` says why, in words for the user.
 */
export class Breaker {
  private inARow = 0;
  private done = 0;
  private failedEarly = 0;
  private last = '';
  tripped: string | undefined;

  constructor(private readonly policy: BreakerPolicy = DEFAULT_BREAKER) {}

  /** A write's outcome: ok, a failure of its own (the row's), or a systemic failure (with its message). */
  record(outcome: 'ok' | 'row' | { systemic: string }): void {
    const early = this.done < this.policy.first;
    this.done++;
    if (typeof outcome !== 'object') {
      this.inARow = 0;
      return;
    }
    this.inARow++;
    this.last = outcome.systemic;
    if (early) this.failedEarly++;
    if (this.tripped) return;
    if (this.inARow >= this.policy.inARow) this.tripped = `${this.inARow} writes in a row failed (the last: ${this.last})`;
    else if (this.failedEarly >= Math.ceil(this.policy.share * this.policy.first))
      this.tripped = `${this.failedEarly} of the first ${this.policy.first} writes failed (the last: ${this.last})`;
  }
}
