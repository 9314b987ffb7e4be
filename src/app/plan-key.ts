import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { outputFailed, SafetyStop } from '../errors.js';

/** The bytes of a plan key: 32 random ones, kept as 64 hex characters. */
const KEY_BYTES = 32;
/** How long a key file another run has just made may stay empty (it writes it at once). */
const BEING_WRITTEN_MS = 2_000;

/**
 * The `dir` backend's plan key (see StateStore.planKey): `plan.key` in the state folder, 32 random bytes
 * in hex, made on first use with O_CREAT|O_EXCL and mode 0600 — two runs making it at once agree on the
 * one that was made first. A key file that is a link, not a regular file, or open to other users is
 * refused (exit 6) naming it: anyone who can read it can sign a plan, anyone who can write it can
 * replace it.
 */
export async function dirPlanKey(folder: string): Promise<Buffer> {
  const path = join(folder, 'plan.key');
  const existing = await readKey(path);
  if (existing) return existing;
  const key = randomBytes(KEY_BYTES);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      await handle.writeFile(`${key.toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw outputFailed('the plan key', path, error, 'nothing was done');
  }
  // Another run made it a moment ago: its key, once written.
  for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const theirs = await readKey(path, Date.now() - started < BEING_WRITTEN_MS);
    if (theirs) return theirs;
  }
}

/** The key in `path`; undefined when there is none (or, `wait`, when it is still being written). */
async function readKey(path: string, wait = false): Promise<Buffer | undefined> {
  const refuse = (why: string, hint: string) => new SafetyStop(`the plan key ${path} ${why}; nothing was done`, hint);
  const unreadable = (error: NodeJS.ErrnoException) => refuse(`cannot be read (${error.code ?? String(error)})`, 'check the state folder’s owner and modes');
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(unreadable(error))));
  if (!info) return undefined;
  if (info.isSymbolicLink()) throw refuse('is a symbolic link', 'hrsync follows no link there: remove it (plans saved with the key it pointed at must be made again)');
  if (!info.isFile()) throw refuse('is not a regular file', 'remove it (plans saved before must be made again)');
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0)
    throw refuse(`is open to other users (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}): anyone who can read it can sign a plan`, `chmod 600 ${path}, or remove it (plans saved before must then be made again)`);
  const text = (await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => Promise.reject(unreadable(error)))).trim();
  if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (text === '' && wait) return undefined;
  throw refuse('is damaged (not 64 hex digits)', 'remove it (plans saved before must be made again)');
}
