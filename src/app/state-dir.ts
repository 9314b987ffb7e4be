import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bookmark, HeldLock, JournalEntry, LockHolder, LockRequest, RunRecord, SentScope, StateStore } from '../core/ports.js';
import { outputFailed } from '../errors.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { Bookmarks } from './bookmarks.js';
import { acquireLock, machineLocks } from './lock.js';
import { dirPlanKey } from './plan-key.js';
import { SyncState } from './sync-state.js';

/** Runs kept per target in the history, in either backend. */
export const HISTORY_PER_TARGET = 100;

/**
 * The `dir` backend, today's and the default: `.hrsync/state/` beside the config (files 0600, folders
 * 0700) — bookmarks.json, <target>/users.json (last-sent fingerprints, by the target's configured
 * name), history.json — and the lock in the machine's temporary folder, so it covers this machine
 * only. On a runner that starts fresh every time all of it is gone the next run.
 */
export class DirStateStore implements StateStore {
  readonly backend = 'dir' as const;
  readonly where: string;
  private readonly marks: Bookmarks;

  constructor(
    readonly home: string,
    /** Tests: another lock folder than the machine's. */
    private readonly lockDir?: string,
    /** Where the machine's lock folder is (TMPDIR) and the user's own (the cache folder's variables). */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.where = join(home, '.hrsync', 'state');
    this.marks = Bookmarks.in(home);
  }

  bookmarks(): Promise<Bookmark[]> {
    return this.marks.all();
  }

  bookmark(key: string): Promise<Bookmark | undefined> {
    return this.marks.get(key);
  }

  setBookmark(bookmark: Bookmark): Promise<void> {
    return this.marks.set(bookmark);
  }

  resetBookmarks(match?: string): Promise<number> {
    return this.marks.reset(match);
  }

  loadSent(scope: SentScope): Promise<Map<string, string>> {
    return SyncState.for(scope.name, scope.entity, this.home).load();
  }

  async saveSent(scope: SentScope, sent: ReadonlyMap<string, string>): Promise<void> {
    const state = SyncState.for(scope.name, scope.entity, this.home);
    try {
      const all = await state.load();
      for (const [key, value] of sent) all.set(key, value);
      await state.save(all);
    } catch (error) {
      throw outputFailed('the sync state', state.path, error);
    }
  }

  async sentSummary(): Promise<Array<{ target: string; entity: string; records: number }>> {
    const out: Array<{ target: string; entity: string; records: number }> = [];
    const folders = await readdir(this.where, { withFileTypes: true }).catch(() => []);
    for (const folder of folders.filter((f) => f.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)))
      for (const file of (await readdir(join(this.where, folder.name)).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort()) {
        const entity = file.slice(0, -'.json'.length);
        out.push({ target: folder.name, entity, records: (await SyncState.for(folder.name, entity, this.home).load()).size });
      }
    return out;
  }

  lock(resource: string, label: string, what: string, request: LockRequest = {}): Promise<HeldLock> {
    return acquireLock(resource, label, what, { ...this.lockPlace, project: this.home, ...(request.waitMs ? { waitMs: request.waitMs } : {}), ...(request.warn ? { warn: request.warn } : {}) });
  }

  /** The machine's locks: this project's, and the others' marked `elsewhere`. */
  locks(): Promise<LockHolder[]> {
    return machineLocks({ ...this.lockPlace, project: this.home });
  }

  private get lockPlace(): { env: NodeJS.ProcessEnv; dir?: string } {
    return { env: this.env, ...(this.lockDir ? { dir: this.lockDir } : {}) };
  }

  private get historyFile(): string {
    return join(this.where, 'history.json');
  }

  /** The runs kept; a damaged file is read as none (the history is a record, never a reason to stop a run). */
  private async runs(): Promise<RunRecord[]> {
    try {
      const list = JSON.parse(await readFile(this.historyFile, 'utf8')) as unknown;
      return Array.isArray(list) ? (list.filter((r) => r && typeof r.at === 'string' && typeof r.target === 'string') as RunRecord[]) : [];
    } catch {
      return [];
    }
  }

  async recordRun(run: RunRecord): Promise<void> {
    const all = [...(await this.runs()), run];
    const kept = all.filter((r, i) => all.slice(i + 1).filter((later) => later.target === r.target).length < HISTORY_PER_TARGET);
    await writeFileAtomic(this.historyFile, `${JSON.stringify(kept, null, 1)}\n`, { mode: 0o600 }).catch((error: unknown) => Promise.reject(outputFailed('the run history', this.historyFile, error)));
  }

  /** The journal stays in the run's folder (its `results`): the folder keeps none of its own. */
  async journal(): Promise<JournalEntry[] | undefined> {
    return undefined;
  }

  async history(options: { limit?: number; target?: string } = {}): Promise<RunRecord[]> {
    const runs = (await this.runs()).filter((r) => options.target === undefined || r.target === options.target);
    return runs.reverse().slice(0, options.limit ?? runs.length);
  }

  /** `plan.key` in the state folder (see dirPlanKey). */
  planKey(): Promise<Buffer> {
    return dirPlanKey(this.where);
  }

  /** Nothing to migrate: the folder is made (0700) as it is used. */
  async migrate(): Promise<{ from: number; to: number }> {
    await mkdir(this.where, { recursive: true, mode: 0o700 }).catch((error: unknown) => Promise.reject(outputFailed('the state folder', this.where, error)));
    return { from: 1, to: 1 };
  }

  async close(): Promise<void> {}
}
