import { join } from 'node:path';
import { openState } from '../../app/state-store.js';
import type { LockHolder, RunRecord, StateStore } from '../../core/ports.js';
import { ExitCode } from '../../errors.js';
import type { GlobalFlags, HistoryFlags, ListingFlags } from '../options.js';
import { positiveInt } from '../parse.js';
import { printable } from '../printable.js';
import { colourFor, plural, type Io } from '../terminal.js';

/** Opens the project's state store (the config's `state`, else .hrsync/state here), runs `use`, and closes it. */
async function withState<T>(flags: ListingFlags, io: Io, use: (state: StateStore) => Promise<T>): Promise<T> {
  const state = await openState({ config: flags.config, cwd: io.cwd, env: io.env });
  try {
    return await use(state);
  } finally {
    await state.close();
  }
}

/** "dir /work/.hrsync/state", "postgres postgres://hrsync@db:5432/hrsync" */
const named = (state: StateStore) => `${state.backend} ${state.where}`;

/**
 * `hrsync state show`: where the state is, the bookmarks (one line each), the last-sent fingerprints
 * per target, and the locks held now (or JSON: `bookmarks` as before, with `backend`, `where`, `sent`
 * and `locks`). Never a password: `where` names the user, host and database only.
 */
export async function stateShowCommand(flags: ListingFlags & GlobalFlags, io: Io): Promise<number> {
  return withState(flags, io, async (state) => {
    const bookmarks = await state.bookmarks();
    const sent = await state.sentSummary();
    // This project's locks; those of other projects on the machine (the dir backend's lock folder is the machine's) apart.
    const all = await state.locks();
    const locks = all.filter((l) => !l.elsewhere).map(({ elsewhere: _, ...l }) => l);
    const others = all.filter((l) => l.elsewhere).map(({ elsewhere: _, ...l }) => l);
    if (flags.format === 'json') {
      io.stdout.write(`${JSON.stringify({ backend: state.backend, where: state.where, ...(state.backend === 'dir' ? { path: join(state.where, 'bookmarks.json') } : {}), bookmarks, sent, locks, otherLocks: others }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const c = colourFor(io.stdout, io.env);
    io.stderr.write(`${c.dim(`state: ${printable(named(state), true)}`)}\n`);
    if (bookmarks.length === 0) io.stdout.write('no bookmarks: the next --since last is a full run\n');
    for (const b of bookmarks) io.stdout.write(`${b.key.startsWith('export ') ? 'export' : 'import'}  ${printable(b.source, true)} → ${printable(b.target, true)}  ${b.entity}  ${c.bold(b.at)}\n`);
    for (const s of sent) io.stdout.write(`sent    ${printable(s.target, true)}  ${s.entity}  ${plural(s.records, 'fingerprint')} of what was last sent\n`);
    for (const l of locks) io.stdout.write(`lock    ${lockLine(l)}\n`);
    if (flags.verbose) for (const l of others) io.stdout.write(`other   ${lockLine(l, true)}\n`);
    else if (others.length) {
      const held = others.filter((l) => l.held !== false).length;
      io.stdout.write(c.dim(`${plural(others.length, 'lock')} of other projects on this machine (${held ? `${held} held now` : 'none held: their runs are gone'}): -v lists whose\n`));
    }
    return ExitCode.ok;
  });
}

/** A lock in words: what, which process where (`whose`: of which user and project), since when, and whether it still stops anyone. */
function lockLine(l: LockHolder, whose = false): string {
  const user = whose && l.user ? ` of ${printable(l.user, true)}` : '';
  const project = whose ? `, project ${l.project ? printable(l.project, true) : 'not said (an older hrsync)'}` : '';
  return `${printable(l.what, true)}: pid ${l.pid}${user} on ${printable(l.host, true)}${project}, since ${l.since}${l.expires ? `, renewed until ${l.expires}` : ''}${l.held === false ? ' (its holder is gone: it stops no one)' : ''}`;
}

/** `hrsync state reset [match]`: clears bookmarks; the next --since last is a full run. */
export async function stateResetCommand(match: string | undefined, flags: ListingFlags, io: Io): Promise<number> {
  return withState(flags, io, async (state) => {
    const n = await state.resetBookmarks(match);
    if (flags.format === 'json') io.stdout.write(`${JSON.stringify({ backend: state.backend, where: state.where, match: match ?? null, cleared: n }, null, 2)}\n`);
    io.stderr.write(`${plural(n, 'bookmark')} cleared${match ? ` (matching "${printable(match, true)}")` : ''} in ${printable(named(state), true)}\n`);
    return ExitCode.ok;
  });
}

/** `hrsync state history [target]`: the last runs that wrote (or moved a bookmark), newest first. */
export async function stateHistoryCommand(target: string | undefined, flags: HistoryFlags, io: Io): Promise<number> {
  const limit = positiveInt('--limit', flags.limit) ?? 20;
  return withState(flags, io, async (state) => {
    const runs = await state.history({ limit, ...(target ? { target } : {}) });
    if (flags.format === 'json') {
      io.stdout.write(`${JSON.stringify({ backend: state.backend, where: state.where, runs }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const c = colourFor(io.stdout, io.env);
    if (runs.length === 0) io.stdout.write(`no runs recorded${target ? ` for ${printable(target, true)}` : ''} (${printable(named(state), true)})\n`);
    for (const run of runs) io.stdout.write(`${run.at}  ${run.command.padEnd(6)}  ${printable(run.label, true)}${run.source ? ` from ${printable(run.source, true)}` : ''}  ${counted(run)}  ${run.exitCode === 0 ? c.green('exit 0') : c.red(`exit ${run.exitCode}`)}  ${(run.ms / 1000).toFixed(1)} s  ${printable(run.host, true)}${run.id ? `  run ${printable(run.id, true)}` : ''}${run.undoes ? ` (undid ${printable(run.undoes, true)})` : ''}\n`);
    return ExitCode.ok;
  });
}

/** "create 3, update 1, applied 4" — the counts that are not zero. */
function counted(run: RunRecord): string {
  const parts = Object.entries(run.counts).filter(([, n]) => n).map(([name, n]) => `${name} ${n}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

/** `hrsync state migrate`: creates the schema, or brings it up to date (also done on first use); a second run does nothing. */
export async function stateMigrateCommand(flags: ListingFlags, io: Io): Promise<number> {
  return withState(flags, io, async (state) => {
    const { from, to } = await state.migrate();
    if (flags.format === 'json') {
      io.stdout.write(`${JSON.stringify({ backend: state.backend, where: state.where, from, to }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const where = printable(named(state), true);
    if (state.backend === 'dir') io.stderr.write(`${where}: a folder needs no migration\n`);
    else if (from === to) io.stderr.write(`${where}: the state schema is up to date (version ${to})\n`);
    else io.stderr.write(`${where}: the state schema ${from === 0 ? 'was created' : `was migrated from version ${from}`} (version ${to})\n`);
    return ExitCode.ok;
  });
}
