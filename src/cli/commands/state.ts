import { dirname } from 'node:path';
import { Bookmarks } from '../../app/bookmarks.js';
import { findConfig } from '../../config/load.js';
import { ExitCode } from '../../errors.js';
import { printable } from '../printable.js';
import { colourFor, plural, type Io } from '../terminal.js';

/** The project folder whose .hrsync/state is meant: the config's (found as every command finds it), else here. */
async function home(config: string | undefined, io: Io): Promise<string> {
  const path = await findConfig(config, io.cwd, io.env);
  return path ? dirname(path) : io.cwd;
}

/** `hrsync state show`: the bookmarks, one line each (or JSON). */
export async function stateShowCommand(flags: { config?: string; format?: 'text' | 'json' }, io: Io): Promise<number> {
  const bookmarks = Bookmarks.in(await home(flags.config, io));
  const all = await bookmarks.all();
  if (flags.format === 'json') {
    io.stdout.write(`${JSON.stringify({ path: bookmarks.path, bookmarks: all }, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (all.length === 0) {
    io.stdout.write(`no bookmarks (${printable(bookmarks.path, true)}): the next --since last is a full run\n`);
    return ExitCode.ok;
  }
  const c = colourFor(io.stdout, io.env);
  for (const b of all) io.stdout.write(`${b.key.startsWith('export ') ? 'export' : 'import'}  ${printable(b.source, true)} → ${printable(b.target, true)}  ${b.entity}  ${c.bold(b.at)}\n`);
  return ExitCode.ok;
}

/** `hrsync state reset [match]`: clears bookmarks; the next --since last is a full run. */
export async function stateResetCommand(match: string | undefined, flags: { config?: string }, io: Io): Promise<number> {
  const bookmarks = Bookmarks.in(await home(flags.config, io));
  const n = await bookmarks.reset(match);
  io.stderr.write(`${plural(n, 'bookmark')} cleared${match ? ` (matching "${printable(match, true)}")` : ''}\n`);
  return ExitCode.ok;
}
