import type { OutputError, RemoteError, UsageError } from '../../errors.js';
import type { RawValue } from '../model/canonical.js';
import type { PlannedOp } from '../plan/plan.js';
import type { BreakerPolicy } from './breaker.js';
import type { CsvDialect } from '../../io/dialect.js';

export interface OpResult {
  op: PlannedOp;
  /**
   * `unknown`: the write was sent, its answer never came (or did not say what happened), and the record could not be found within the
   * settling window: it may land later. It is not sent again; the next run lists the target and settles it.
   */
  status: 'ok' | 'failed' | 'skipped' | 'unknown';
  id?: string;
  error?: string;
}

/** A row of the input that was not planned: its line in results.csv and failed.csv all the same. */
export interface LeftOut {
  file: string;
  line: number;
  entity: string;
  key: string;
  status: 'invalid' | 'conflict';
  /** The first reason. */
  error: string;
  source?: Record<string, RawValue>;
}

export interface ApplyOptions {
  concurrency: number;
  resultsDir: string;
  /** What run this is (its id, command, target): written beside the journal as run.json. */
  run?: object;
  /** Rows left out of the plan (invalid, conflicting): listed in the results with the reason, and in failed.csv. */
  leftOut?: readonly LeftOut[];
  /** How each input file is written (by name): its failed rows are written the same way (else hrsync's CSV). */
  dialects?: ReadonlyMap<string, CsvDialect>;
  /** The failed rows as failed.xlsx too (always for a workbook input). */
  failedXlsx?: boolean;
  /** Aborted: no new writes start; those in flight finish. */
  signal?: AbortSignal;
  /** Tests: the clock and the wait between lookups while a lost write settles. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onProgress?: (done: number, total: number, failed: number) => void;
  /** When the writes fail as a whole (see Breaker): default 10 in a row, or half of the first 50. */
  breaker?: BreakerPolicy;
}

export interface ApplyReport {
  results: OpResult[];
  ok: number;
  failed: number;
  skipped: number;
  /** Writes whose outcome is unknown: sent, with no answer or one that did not say what happened, not found (yet). */
  unknown: number;
  resultsDir: string;
  interrupted: boolean;
  /** Set when the target failed as a whole (credentials refused): the rest was not tried. */
  targetFailure?: RemoteError;
  /**
   * Set when hrsync's own record of the run could not be written (a full disk): no new write started
   * after it, those in flight finished. `resultsWritten` says whether results.csv made it.
   */
  outputFailure?: OutputError | UsageError;
  resultsWritten: boolean;
  /** What the results files could not keep as asked (a failed-rows file written as UTF-8, not its input's encoding). */
  notes?: string[];
}
