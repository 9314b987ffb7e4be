import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { outputFailed, type OutputError, type UsageError } from '../../errors.js';
import type { CanonicalValues } from '../model/canonical.js';
import type { PlannedOp } from '../plan/plan.js';
import type { JournalEntry } from '../ports.js';
import type { OpResult } from './types.js';

/**
 * journal.ndjson in the results folder: a line appended as each write completes, so a run killed
 * half-way leaves a record of what happened. One descriptor for the run; each line is handed to the
 * OS synchronously (microseconds, and it survives kill -9), without holding a worker up for a
 * threadpool round trip. Once a line cannot be written (a full disk), `failure` says so and no more
 * lines are tried. Each line keeps what the write replaced (JournalEntry): an update's fields before
 * and after, a create's record, a removal's record as it was read just before — enough to undo it.
 * With `run`, the run's description is written beside it (run.json, 0600) when it is opened.
 */
export class Journal {
  failure: OutputError | UsageError | undefined;

  private constructor(readonly path: string, private readonly fd: number) {}

  /** Opened before the first write: a results folder that cannot be written stops the run here. */
  static async open(dir: string, run?: object): Promise<Journal> {
    const path = join(dir, 'journal.ndjson');
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      if (run) writeFileSync(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`, { mode: 0o600 });
      return new Journal(path, openSync(path, 'a', 0o600));
    } catch (error) {
      throw outputFailed('the results in', dir, error, 'nothing was written to the target; choose another results folder, or free some space');
    }
  }

  /** `images`: a create's record as sent (`after`), a removal's as it was (`before`). */
  append(op: PlannedOp, result: OpResult, images: { after?: CanonicalValues; before?: CanonicalValues } = {}): void {
    if (this.failure) return;
    try {
      const entry: JournalEntry = {
        at: new Date().toISOString(), entity: op.entity, action: op.action, key: op.key, file: op.file ?? null, line: op.line ?? null, status: result.status, id: result.id ?? op.id ?? null, error: result.error ?? null,
        ...(op.action === 'update' && op.changes ? { changes: op.changes } : {}),
        ...(images.after ? { after: images.after } : {}),
        ...(images.before ? { before: images.before } : {}),
      };
      // A disk that fills takes part of a line, then refuses the rest (ENOSPC): loop until it does.
      let line = Buffer.from(`${JSON.stringify(entry)}\n`);
      while (line.length) line = line.subarray(writeSync(this.fd, line));
    } catch (error) {
      this.failure = outputFailed('the journal', this.path, error);
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch (error) {
      this.failure ??= outputFailed('the journal', this.path, error);
    }
  }
}
