import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { link, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeldLock, LockHolder } from '../core/ports.js';
import { ExitCode, HrsyncError, outputFailed } from '../errors.js';

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
  /** Where lock files live (default: a folder in the machine's temporary folder, shared by its users). */
  dir?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The machine's lock folder: one for all its users (the sticky bit lets each remove only their own
 * files), so two people importing into one target from two folders see each other. Lock files hold a
 * pid, a host name, a time and what the run does: nothing personal, no secret.
 */
function lockDir(dir: string | undefined): string {
  const path = dir ?? join(tmpdir(), 'hrsync-locks');
  try {
    mkdirSync(path, { recursive: true, mode: 0o1777 });
  } catch (error) {
    throw outputFailed('the lock folder', path, error, 'nothing was done; hrsync keeps its locks in the system temp folder (TMPDIR)');
  }
  try {
    chmodSync(path, 0o1777);
  } catch {
    // another user's folder: theirs to set, and it was made the same way
  }
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(path: string): Promise<{ text: string; holder: LockHolder | undefined } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    try {
      return { text, holder: JSON.parse(text) as LockHolder };
    } catch {
      return { text, holder: undefined }; // being written this instant, or damaged
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A lock file nobody can read this long after it was written is damaged (a crash of an older hrsync): stale. */
const DAMAGED_AFTER_MS = 10_000;

/**
 * One run at a time per resource (a target's identity, or the embedded sandbox's state file) on this
 * machine, for the whole plan and apply. The second run refuses at once, naming the holder — or waits
 * `waitMs` for it. A lock whose process is gone (same host, no such pid) is taken over: the stale file
 * is moved aside atomically, and put back if another run had replaced it meanwhile.
 */
export async function acquireLock(resource: string, label: string, what: string, options: LockOptions = {}): Promise<Lock> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const path = join(lockDir(options.dir), `${createHash('sha256').update(resource).digest('hex').slice(0, 32)}.lock`);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date(now()).toISOString(), what };
  const started = now();
  // The holder is written whole to a file of its own, then linked to the lock's name: the lock appears
  // with its content or not at all (a full disk or a kill in between leaves no empty lock behind).
  const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.new`;
  try {
    await writeFile(mine, JSON.stringify(me), { mode: 0o644 });
  } catch (error) {
    await unlink(mine).catch(() => undefined);
    throw outputFailed('the lock', path, error, 'nothing was done; hrsync keeps its locks in the system temp folder (TMPDIR)');
  }
  try {
    return await take();
  } finally {
    await unlink(mine).catch(() => undefined);
  }

  async function take(): Promise<Lock> {
    for (;;) {
      try {
        await link(mine, path);
        return {
          async release() {
            const current = await holderOf(path);
            if (current?.holder?.pid === me.pid && current.holder.since === me.since) await unlink(path).catch(() => undefined);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = await holderOf(path);
      if (!current) continue; // released meanwhile
      const holder = current.holder;
      const damaged = !holder && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now()) > DAMAGED_AFTER_MS; // the file system's clock
      if (damaged || (holder && holder.host === me.host && !alive(holder.pid))) {
        const aside = `${path}.${process.pid}.stale`;
        try {
          await rename(path, aside);
        } catch {
          continue; // someone else moved it first
        }
        const moved = await readFile(aside, 'utf8').catch(() => '');
        if (moved !== current.text) await link(aside, path).catch(() => undefined); // a fresh lock: put it back
        await unlink(aside).catch(() => undefined);
        continue;
      }
      if (now() - started < (options.waitMs ?? 0)) {
        await sleep(Math.min(250, (options.waitMs ?? 0) - (now() - started)));
        continue;
      }
      const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since} (${holder.what})` : 'a run that is starting';
      throw new LockBusy(
        `another hrsync run is writing to ${label}: ${who}; nothing was done`,
        options.waitMs ? `it did not finish within ${Math.round(options.waitMs / 1000)} s; run again when it has` : 'wait for it to finish, or pass --wait-lock SECONDS to wait; the lock covers this machine only (in CI, use a concurrency group)',
      );
    }
  }
}

/** The locks held on this machine now (`state show` of the dir backend): their holders, as their files say. */
export async function machineLocks(dir?: string): Promise<LockHolder[]> {
  const path = lockDir(dir);
  const names = (await readdir(path).catch(() => [] as string[])).filter((name) => name.endsWith('.lock'));
  const found = await Promise.all(names.map((name) => holderOf(join(path, name)).catch(() => undefined)));
  return found.flatMap((f) => (f?.holder ? [{ ...f.holder, held: f.holder.host !== hostname() || alive(f.holder.pid) }] : []));
}
