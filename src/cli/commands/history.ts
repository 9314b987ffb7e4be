import { personHistory } from '../../app/person-history.js';
import { ExitCode } from '../../errors.js';
import type { PersonHistoryFlags } from '../options.js';
import { openState } from '../../app/state-store.js';
import { printable } from '../printable.js';
import { colourFor, type Io } from '../terminal.js';

const shown = (value: unknown) => (value === null || value === undefined || value === '' ? '(blank)' : printable(typeof value === 'string' ? value : JSON.stringify(value), true));

/**
 * `hrsync history <key>`: one person's writes across runs, oldest first — each with its fields from →
 * to, the run (id, command, exit code) and the input file and line — or JSON.
 */
export async function personHistoryCommand(key: string, flags: PersonHistoryFlags, io: Io): Promise<number> {
  const state = await openState({ config: flags.config, cwd: io.cwd, env: io.env });
  try {
    const events = await personHistory(state, key);
    if (flags.format === 'json') {
      io.stdout.write(`${JSON.stringify({ key, backend: state.backend, where: state.where, events }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const c = colourFor(io.stdout, io.env);
    if (events.length === 0) io.stdout.write(`no write to ${printable(key, true)} in the runs kept (${printable(`${state.backend} ${state.where}`, true)})\n`);
    for (const e of events) {
      const run = `${e.run.command}${e.run.undoes ? ` of ${printable(e.run.undoes, true)}` : ''} run ${printable(e.run.id ?? '(no id)', true)}, ${e.run.exitCode === 0 ? c.green('exit 0') : c.red(`exit ${e.run.exitCode}`)}`;
      const where = e.file ? `  ${printable(e.file, true)}${e.line !== null ? `:${e.line}` : ''}` : '';
      const status = e.status === 'ok' ? '' : `  ${c.red(e.status)}${e.error ? `: ${printable(e.error, true)}` : ''}`;
      io.stdout.write(`${e.at}  ${c.bold(`${e.action} ${e.entity}`)} ${printable(e.key, true)}${e.id && !e.key.includes(`(id ${e.id})`) ? ` (id ${printable(e.id, true)})` : ''}  ${printable(e.run.label, true)}  ${run}${where}${status}\n`);
      for (const change of e.changes) io.stdout.write(`    ${printable(change.field, true)}: ${shown(change.from)} → ${shown(change.to)}\n`);
    }
    return ExitCode.ok;
  } finally {
    await state.close();
  }
}
