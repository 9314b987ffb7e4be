import { constants } from 'node:fs';
import { access, lstat, mkdir, open, readlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputFailed } from '../errors.js';
import { whoIs } from '../shared/who-is.js';
import { cacheFolder } from './cache-folder.js';


/** The user this process runs as (undefined where the platform has no uids). */
export const myUid = (): number | undefined => process.getuid?.();

/** Where this run keeps its lock files, and why not in the shared folder when it is not. */
export interface LockFolder {
  dir: string;
  /** Whether other users' runs on this machine see the same folder. */
  shared: boolean;
  /** Said once as a warning: the shared folder exists but is not trusted, and why. */
  distrust?: string;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Why a folder that others can write to cannot be trusted with locks, or undefined when it can: it is
 * a real folder (never a link), owned by root or by this user, this user may write in it, and when
 * others may write in it the sticky bit is set (each may remove only their own files).
 */
async function distrustOf(path: string): Promise<string | undefined> {
  const st = await lstat(path);
  const me = myUid();
  if (st.isSymbolicLink()) return `${path} is a symbolic link (to ${await readlink(path).catch(() => '?')}), made by ${whoIs(st.uid)}`;
  if (!st.isDirectory()) return `${path} is not a folder (it belongs to ${whoIs(st.uid)})`;
  if (me !== undefined && st.uid !== 0 && st.uid !== me) return `${path} belongs to ${whoIs(st.uid)}, who could remove the locks of everyone else`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${path} can be written by others without the sticky bit (mode ${(st.mode & 0o7777).toString(8)}), so anyone could remove a lock`;
  const writable = await access(path, constants.W_OK | constants.X_OK).then(() => true, () => false);
  if (!writable) return `${path} cannot be written in by you (mode ${(st.mode & 0o7777).toString(8)}, made by ${whoIs(st.uid)}; an administrator makes it with sudo install -d -m 1777)`;
  return undefined;
}

/**
 * Why the folder that holds the lock folders (TMPDIR, links followed) cannot be trusted, or undefined:
 * another user who owns it, or may write in it without the sticky bit, could move a lock folder aside
 * mid-run (a rename needs only the parent) and let a second run in.
 */
async function parentDistrust(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return undefined; // nothing there: making a folder in it fails and says so
  const me = myUid();
  if (me !== undefined && st.uid !== 0 && st.uid !== me) return `${path} belongs to ${whoIs(st.uid)}, who could move any lock folder in it aside`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${path} can be written by others without the sticky bit (mode ${(st.mode & 0o7777).toString(8)}), so anyone could move a lock folder in it aside`;
  return undefined;
}

/**
 * Makes the machine's shared lock folder as root: a folder of its own (never a link followed), then
 * world-writable with the sticky bit, set through the handle of the folder just made — never a chmod
 * of a path that something else could have put there.
 */
async function makeShared(path: string): Promise<boolean> {
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const handle = await open(path, DIR_FLAGS);
  try {
    await handle.chmod(0o1777);
  } finally {
    await handle.close();
  }
  return true;
}

/** A private folder of this user's: made 0700, or found as a real folder of theirs that no one else can write in. */
async function privateFolder(path: string, recursive: boolean): Promise<string | undefined> {
  await mkdir(path, { recursive, mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const st = await lstat(path);
  const me = myUid();
  if (st.isSymbolicLink() || !st.isDirectory()) return `${path} is not a folder of its own (a link, or a file, made by ${whoIs(st.uid)})`;
  if (me !== undefined && st.uid !== me) return `${path} belongs to ${whoIs(st.uid)}`;
  if ((st.mode & 0o022) !== 0) return `${path} can be written by others (mode ${(st.mode & 0o7777).toString(8)})`;
  return undefined;
}

const HINT = 'nothing was done; hrsync keeps its locks in the system temp folder (TMPDIR) when root made hrsync-locks there, else in your cache folder (XDG_CACHE_HOME)';

/**
 * The folder for this run's lock files. The machine's shared folder, `$TMPDIR/hrsync-locks`, when it
 * can be trusted — made by root (a run as root makes it), sticky, never a link — so that the runs of
 * every user on the machine see each other. Otherwise the user's own: `<cache folder>/locks`, or
 * `$TMPDIR/hrsync-locks-<uid>` when there is no cache folder; those serialise one user's runs only.
 */
export async function lockFolder(env: NodeJS.ProcessEnv, given?: string): Promise<LockFolder> {
  if (given) {
    const why = await privateFolder(given, true).catch((error: unknown) => Promise.reject(outputFailed('the lock folder', given, error, HINT)));
    if (why) throw outputFailed('the lock folder', given, new Error(why), HINT);
    return { dir: given, shared: false };
  }
  const temp = env.TMPDIR || tmpdir();
  const shared = join(temp, 'hrsync-locks');
  let distrust = await parentDistrust(temp);
  if (distrust) return ownFolder([join(cacheFolder(env), 'locks')], distrust);
  if (myUid() === 0 && (await makeShared(shared).catch((error: unknown) => Promise.reject(outputFailed('the lock folder', shared, error, HINT)))))
    return { dir: shared, shared: true };
  try {
    distrust = await distrustOf(shared);
    if (!distrust) return { dir: shared, shared: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') distrust = `${shared} cannot be used (${code ?? String(error)})`;
  }
  const own = myUid() === undefined ? [join(cacheFolder(env), 'locks')] : [join(cacheFolder(env), 'locks'), join(temp, `hrsync-locks-${myUid()}`)];
  return ownFolder(own, distrust);
}

/** This user's own lock folder: the first of `own` that is, or can be made, a private folder of theirs. */
async function ownFolder(own: string[], distrust: string | undefined): Promise<LockFolder> {
  let why = '';
  for (const [i, dir] of own.entries()) {
    try {
      const problem = await privateFolder(dir, i === 0);
      if (!problem) return { dir, shared: false, ...(distrust ? { distrust } : {}) };
      why = problem;
    } catch (error) {
      why = `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }
  throw outputFailed('the lock folder', own.at(-1)!, new Error(why), HINT);
}
