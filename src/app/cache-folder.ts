import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/**
 * The user's cache folder for hrsync, as the platform keeps them: $XDG_CACHE_HOME, else ~/.cache on
 * Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows — never the working directory.
 */
export function cacheFolder(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'hrsync');
  const home = env.HOME || env.USERPROFILE || homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'hrsync');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'hrsync', 'Cache');
  return join(home, '.cache', 'hrsync');
}

/**
 * The embedded sandbox's state for one project folder: one file per folder in the cache folder
 * (its name, then a digest of its full path), so two projects never share a sandbox and a working
 * directory never gets a file it did not ask for.
 */
export function embeddedStateFile(projectDir: string, env: NodeJS.ProcessEnv): string {
  const full = resolve(projectDir);
  const name = basename(full).replace(/[^\w.-]/g, '_') || 'root';
  return join(cacheFolder(env), 'sandbox', `${name}-${createHash('sha256').update(full).digest('hex').slice(0, 12)}.json`);
}
