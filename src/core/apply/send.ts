import { RemoteError } from '../../errors.js';
import type { PlannedOp } from '../plan/plan.js';
import type { Connection } from '../ports.js';
import type { CanonicalValues } from '../model/canonical.js';
import { Breaker, systemic } from './breaker.js';
import { create, OutcomeUnknown } from './create.js';
import { imageOf, readBack } from './images.js';
import type { Journal } from './journal.js';
import type { ApplyOptions, OpResult } from './types.js';

/**
 * The writes of one apply and what became of each: sent one by one (by a pool of them), each
 * result kept and journalled as it completes. What stops new writes: an abort, the target failing
 * as a whole, hrsync's own failure, or a journal that cannot be written.
 */
export class Sender {
  readonly results = new Map<PlannedOp, OpResult>();
  failed = 0;
  unknown = 0;
  /** The target failed as a whole (credentials refused, or the breaker tripped): the rest would fare the same. */
  targetFailure: RemoteError | undefined;
  private readonly breaker: Breaker;
  /** Not the target's failure but hrsync's own (a bug): no new writes, results written, then it is thrown. */
  internal: unknown;
  private readonly byKey: Map<string, PlannedOp>;
  private readonly clock: { sleep: (ms: number) => Promise<void>; now: () => number };

  constructor(private readonly target: Connection, private readonly ops: readonly PlannedOp[], private readonly options: ApplyOptions, private readonly journal: Journal) {
    this.byKey = new Map(ops.map((o) => [o.key, o]));
    this.breaker = new Breaker(options.breaker);
    this.clock = { sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))), now: options.now ?? Date.now };
  }

  stopped(): boolean {
    return this.options.signal?.aborted === true || this.targetFailure !== undefined || this.internal !== undefined || this.journal.failure !== undefined;
  }

  async send(op: PlannedOp): Promise<void> {
    // Sent only once what it waits for is there: a report before its approver would be refused.
    const missing = (op.after ?? []).map((k) => this.byKey.get(k)).find((o) => o && this.results.get(o)?.status !== 'ok');
    if (missing) {
      this.results.set(op, { op, status: 'skipped', error: `not sent: it names ${missing.key}, whose ${missing.action} did not succeed (${this.results.get(missing)?.status ?? 'not tried'})` });
      this.options.onProgress?.(this.results.size, this.ops.length, this.failed);
      return;
    }
    const before = await this.before(op);
    const [result, cause] = await this.write(op);
    this.results.set(op, result);
    this.trip(result, cause);
    this.journal.append(op, result, { ...(op.action === 'create' && op.values ? { after: imageOf(this.target, op.entity, op.values) } : {}), ...(before ? { before } : {}) });
    this.options.onProgress?.(this.results.size, this.ops.length, this.failed);
  }

  /** Tells the breaker how a write ended; once it trips, the target has failed as a whole: no new write starts. */
  private trip(result: OpResult, cause: unknown): void {
    this.breaker.record(result.status === 'ok' ? 'ok' : result.status === 'unknown' || systemic(cause) ? { systemic: result.error ?? 'failed' } : 'row');
    if (this.breaker.tripped && !this.targetFailure)
      this.targetFailure = new RemoteError('unavailable', `${this.target.label} is failing as a whole: ${this.breaker.tripped}; no new write was started (the writes in flight finished)`, undefined);
  }

  /** Every operation's result; those never tried are skipped, saying why the run stopped. */
  all(): OpResult[] {
    const why = this.targetFailure ? 'not tried: the target failed' : this.internal !== undefined ? 'not tried: hrsync failed' : this.journal.failure ? 'not tried: the journal could not be written' : 'not tried: interrupted';
    return this.ops.map((op) => this.results.get(op) ?? { op, status: 'skipped' as const, error: why });
  }

  /**
   * A deactivation or delete: the record as it is just before, for the journal (what an undo restores).
   * A read that fails leaves it out: the write matters more than its record.
   */
  private async before(op: PlannedOp): Promise<CanonicalValues | undefined> {
    if (op.action !== 'deactivate' && op.action !== 'delete') return undefined;
    try {
      const record = await readBack(this.target, op.entity, op.id, op.values);
      return record && imageOf(this.target, op.entity, record);
    } catch {
      return undefined;
    }
  }

  /** A write and its result; for a failure, also what was thrown. */
  private async write(op: PlannedOp): Promise<[OpResult, unknown?]> {
    try {
      const id = op.action === 'create' ? await create(this.target, op, this.clock) : (await this.target.writer!.write({ action: op.action, entity: op.entity, ...(op.id ? { id: op.id } : {}), ...(op.values ? { values: op.values } : {}) })).id;
      return [{ op, status: 'ok', id }];
    } catch (error) {
      return [this.failure(op, error), error];
    }
  }

  private failure(op: PlannedOp, error: unknown): OpResult {
    if (error instanceof OutcomeUnknown || (error instanceof RemoteError && error.kind === 'outcome_unknown')) {
      // Sent, with no answer (or one that did not say), not found: not a failure (it may have landed), not a success.
      this.unknown++;
      return { op, status: 'unknown', error: error.message };
    }
    this.failed++;
    if (error instanceof RemoteError) {
      if (error.kind === 'auth' || error.kind === 'tls' || error.kind === 'unexpected_answer') this.targetFailure ??= error; // the rest would fare the same
      const detail = error.fieldErrors.length ? error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') : error.message;
      return { op, status: 'failed', error: detail };
    }
    this.internal ??= error;
    return { op, status: 'failed', error: `internal error: ${error instanceof Error ? error.message : String(error)}` };
  }
}
