import { createHash } from 'node:crypto';
import { constants, readFileSync, statSync } from 'node:fs';
import { open, readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { HeldLock, LockHolder } from '../core/ports.js';
import { ExitCode, HrsyncError, outputFailed } from '../errors.js';
import { lockFolder, myUid } from './lock-folder.js';
import { whoIs } from '../shared/who-is.js';
import { writeFileAtomic } from '../shared/atomic-write.js';

/** Another run holds the lock: nothing was done. Exit 6, like every stop before a write. */
export class LockBusy extends HrsyncError {
  readonly exitCode = ExitCode.safetyStop;
}

export type { LockHolder } from '../core/ports.js';
/** A lock held (the same as the state store's). */
export type Lock = HeldLock;

export interface LockOptions {
  /** How long to wait for the holder to finish before refusing (default: refuse at once). */
  waitMs?: number;
  /** Where lock files live (tests); by default see lockFolder: the machine's shared folder, or the user's. */
  dir?: string;
  /** TMPDIR and the cache folder's variables (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Told of lock files that were ignored (planted, or not what they say) and of a shared folder not trusted. */
  warn?: (message: string) => void;
  /** The project (the config's folder) the run belongs to: written into its lock file, for `state show`. */
  project?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What a lock file says, with what this run adds: the uid it claims, and whether its holder got past the start. */
interface Holder extends LockHolder {
  uid?: number;
  state?: 'starting' | 'held';
}

/** A lock file found beside this run's, read without following a link or blocking on a FIFO. */
interface Found {
  path: string;
  owner: number | undefined;
  holder: Holder | undefined;
  /** Why it is not believed, in words naming the file and its owner; undefined when it is. */
  suspect?: string;
}

/** The longest lock file read: a holder is a few hundred bytes. */
const MAX_LOCK_BYTES = 4096;
/** How long runs that start at the same moment take turns before one that stays is taken for a holder. */
const CONTENTION_MS = 3_000;
/** A process that started this long after its lock says it was taken is another process with a reused pid. */
const PID_REUSE_SLACK_MS = 5_000;

/** A live process's owner and start, as Linux's /proc tells (undefined where it does not). */
function processOf(pid: number): { exists: boolean; uid?: number; startedMs?: number } {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return { exists: false };
  }
  try {
    const uid = statSync(`/proc/${pid}`).uid;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    const ticks = Number(fields?.[19]); // field 22 of stat: the start, in clock ticks (100 a second on Linux) after boot
    return { exists: true, uid, ...(boot && Number.isFinite(ticks) ? { startedMs: Number(boot) * 1000 + ticks * 10 } : {}) };
  } catch {
    return { exists: true };
  }
}

async function readLockFile(path: string): Promise<Found | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { path, owner: undefined, holder: undefined, suspect: `${path} cannot be read as a lock file (${code === 'ELOOP' ? 'a symbolic link' : code})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > MAX_LOCK_BYTES) return { path, owner: st.uid, holder: undefined, suspect: `${path}, made by ${whoIs(st.uid)}, is not a lock file (${st.isFile() ? `${st.size} bytes` : 'not a regular file'})` };
    const text = (await handle.readFile('utf8')).trim();
    try {
      const holder = JSON.parse(text) as Holder;
      if (typeof holder?.pid === 'number' && typeof holder.host === 'string') return { path, owner: st.uid, holder };
    } catch {
      // damaged: said below
    }
    return { path, owner: st.uid, holder: undefined, suspect: `${path}, made by ${whoIs(st.uid)}, is damaged (not a holder hrsync wrote)` };
  } finally {
    await handle.close();
  }
}

type Verdict = 'alive' | 'gone' | 'suspect';

/**
 * Whether a lock file stands for a run that is still going. A file is believed only when it is its
 * holder's: the uid it claims is its owner's, and the process it names runs as that owner and started
 * before the lock was taken (else the pid was reused). A holder on another host cannot be checked: alive.
 */
function judge(found: Found): { verdict: Verdict; why?: string } {
  const { holder, owner } = found;
  if (!holder || found.suspect) return { verdict: 'suspect', ...(found.suspect ? { why: found.suspect } : {}) };
  const file = `${found.path}, made by ${whoIs(owner)},`;
  if (holder.uid !== undefined && owner !== undefined && holder.uid !== owner) return { verdict: 'suspect', why: `${file} says its holder is ${whoIs(holder.uid)}` };
  if (holder.host !== hostname()) return { verdict: 'alive' };
  const proc = processOf(holder.pid);
  if (!proc.exists) return { verdict: 'gone' };
  if (proc.uid !== undefined && owner !== undefined && proc.uid !== owner)
    return { verdict: owner === myUid() ? 'gone' : 'suspect', why: `${file} names pid ${holder.pid}, a process of ${whoIs(proc.uid)}` };
  const since = Date.parse(holder.since);
  if (proc.startedMs !== undefined && Number.isFinite(since) && proc.startedMs > since + PID_REUSE_SLACK_MS) return { verdict: 'gone' };
  return { verdict: 'alive' };
}

/** How a holder reads in a message: who, where, since when, doing what, and its file. */
function describeHolder(found: Found): string {
  const h = found.holder!;
  return `pid ${h.pid} of ${whoIs(found.owner)} on ${h.host}, since ${h.since} (${h.what}; its lock file ${found.path})`;
}

/**
 * A lock file that appears whole or not at all (shared/atomic-write: a temporary name no lock search
 * matches, then renamed), readable by other users so their runs can name the holder.
 */
async function publish(path: string, holder: Holder): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(holder), { mode: 0o644 }).catch((error: unknown) =>
    Promise.reject(outputFailed('the lock', path, error, 'nothing was done; see "Locks on a machine shared with other users" in docs/guides/safety.md for where hrsync keeps its locks')),
  );
}

/**
 * The other lock files of this resource that stand for a live run. Files of holders that are gone are
 * removed when this user may (their own, or any as root) and passed over otherwise; files that are not
 * what they say are passed over, and said once.
 */
async function rivals(dir: string, prefix: string, mine: string, said: Set<string>, warn: (m: string) => void): Promise<Found[]> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(prefix) && n.endsWith('.lock') && n !== mine);
  const live: Found[] = [];
  for (const name of names) {
    const found = await readLockFile(join(dir, name));
    if (!found) continue;
    const { verdict, why } = judge(found);
    if (verdict === 'alive') live.push(found);
    else if (verdict === 'gone' && (found.owner === myUid() || myUid() === 0)) await unlink(found.path).catch(() => undefined);
    else if (verdict === 'suspect' && why && !said.has(found.path)) {
      said.add(found.path);
      warn(`ignored ${why}: it is not a run's lock`);
    }
  }
  return live;
}

/**
 * One run at a time per resource (a target's identity, or the embedded sandbox's state file) on this
 * machine, for the whole plan and apply. Each run announces itself with a lock file of its own
 * (`<resource digest>.<pid>-<random>.lock`), then looks for others of the same resource: none alive,
 * it holds the lock; a holder alive, it refuses naming it — or waits `waitMs`. Runs that start at the
 * same moment see each other, step back and try again after a random pause. No run ever moves or
 * removes another user's file, so a colleague's crashed run blocks no one, and a file that is not
 * what it says (planted by another user, a reused pid) is passed over with a warning naming it.
 */
export async function acquireLock(resource: string, label: string, what: string, options: LockOptions = {}): Promise<Lock> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const warn = options.warn ?? (() => undefined);
  const folder = await lockFolder(options.env ?? process.env, options.dir);
  if (folder.distrust) warn(`${folder.distrust}: not used for locks; this run's lock is in ${folder.dir}, which only your own runs see`);
  const prefix = `${createHash('sha256').update(resource).digest('hex').slice(0, 32)}.`;
  const name = `${prefix}${process.pid}-${Math.random().toString(36).slice(2, 8)}.lock`;
  const path = join(folder.dir, name);
  const uid = myUid();
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date(now()).toISOString(), what, ...(options.project ? { project: options.project } : {}), ...(uid !== undefined ? { uid } : {}), state: 'starting' };
  const started = now();
  const said = new Set<string>();
  for (;;) {
    await publish(path, me);
    let others: Found[];
    try {
      others = await rivals(folder.dir, prefix, name, said, warn);
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw outputFailed('the lock', path, error);
    }
    if (others.length === 0) {
      await publish(path, { ...me, state: 'held' });
      return { release: () => unlink(path).catch(() => undefined) };
    }
    await unlink(path).catch(() => undefined);
    const holder = others.find((o) => o.holder?.state !== 'starting');
    const waited = now() - started;
    if (!holder && waited < CONTENTION_MS) {
      await sleep(10 + Math.random() * 90); // both stepped back: try again, one will be first
      continue;
    }
    if (waited < (options.waitMs ?? 0)) {
      await sleep(Math.min(250, (options.waitMs ?? 0) - waited));
      continue;
    }
    throw new LockBusy(
      `another hrsync run is writing to ${label}: ${describeHolder(holder ?? others[0]!)}; nothing was done`,
      options.waitMs ? `it did not finish within ${Math.round(options.waitMs / 1000)} s; run again when it has` : 'wait for it to finish, or pass --wait-lock SECONDS to wait; the lock covers this machine only (in CI, use a concurrency group)',
    );
  }
}

/**
 * The locks held on this machine now, as far as this user can see (`state show` of the dir backend):
 * every project's, each with its project folder and user; those of another project than `project`
 * (or of an hrsync that did not say) are `elsewhere`.
 */
export async function machineLocks(options: Pick<LockOptions, 'dir' | 'env' | 'project'> = {}): Promise<LockHolder[]> {
  const folder = await lockFolder(options.env ?? process.env, options.dir);
  const names = (await readdir(folder.dir).catch(() => [] as string[])).filter((name) => name.endsWith('.lock'));
  const found = await Promise.all(names.map((name) => readLockFile(join(folder.dir, name)).catch(() => undefined)));
  return found.flatMap((f) => {
    if (!f?.holder) return [];
    const { pid, host, since, what, project } = f.holder;
    const verdict = judge(f).verdict;
    if (verdict === 'suspect') return [];
    const whose = { ...(typeof project === 'string' ? { project } : {}), user: whoIs(f.owner), ...(options.project !== undefined && project !== options.project ? { elsewhere: true } : {}) };
    return [{ pid, host, since, what, held: verdict === 'alive', ...whose }];
  });
}
