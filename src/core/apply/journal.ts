import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { outputFailed, type OutputError, type UsageError } from '../../errors.js';
import type { PlannedOp } from '../plan/plan.js';
import type { OpResult } from './types.js';

/**
 * journal.ndjson in the results folder: a line appended as each write completes, so a run killed
 * half-way leaves a record of what happened. One descriptor for the run; each line is handed to the
 * OS synchronously (microseconds, and it survives kill -9), without holding a worker up for a
 * threadpool round trip. Once a line cannot be written (a full disk), `failure` says so and no more
 * lines are tried.
 */
export class Journal {
  failure: OutputError | UsageError | undefined;

  private constructor(readonly path: string, private readonly fd: number) {}

  /** Opened before the first write: a results folder that cannot be written stops the run here. */
  static async open(dir: string): Promise<Journal> {
    const path = join(dir, 'journal.ndjson');
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return new Journal(path, openSync(path, 'a', 0o600));
    } catch (error) {
      throw outputFailed('the results in', dir, error, 'nothing was written to the target; choose another results folder, or free some space');
    }
  }

  append(op: PlannedOp, result: OpResult): void {
    if (this.failure) return;
    try {
      // A disk that fills takes part of a line, then refuses the rest (ENOSPC): loop until it does.
      let line = Buffer.from(`${JSON.stringify({ at: new Date().toISOString(), entity: op.entity, action: op.action, key: op.key, file: op.file ?? null, line: op.line ?? null, status: result.status, id: result.id ?? op.id ?? null, error: result.error ?? null })}\n`);
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
