import { resolve } from 'node:path';
import { openTarget, type OpenedTarget } from '../../app/open-target.js';
import { resultsFolder } from '../../app/results-folder.js';
import { findRun, planUndo, type FoundRun } from '../../app/undo-run.js';
import { appliedCounts, runFile, sentState, writeRun, type WriteRun } from '../../app/write-run.js';
import type { Plan } from '../../core/plan/plan.js';
import { ExitCode, UsageError, outputFailed } from '../../errors.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { appliedLine, applyExitCode, appliedSummary, confirmApply, EMBEDDED_APPLIED, runApply, type AppliedRun } from '../apply-output.js';
import type { UndoFlags } from '../options.js';
import { maxMissing, positiveInt, seconds } from '../parse.js';
import { openState } from '../../app/state-store.js';
import { printable } from '../printable.js';
import { planDocument } from '../render/notes.js';
import { renderPlanText } from '../render/plan.js';
import { pacedNote } from '../render/pacing.js';
import { renderReportHtml } from '../render/report-html.js';
import { writeReport } from '../report-file.js';
import { colourFor, plural, type Io, openOptions, warner } from '../terminal.js';

/**
 * `hrsync undo <run>`: the plan that puts back what a run changed (see planUndo), shown like any plan
 * and applied like one — under the target's lock, with results, a journal and run.json of its own, so
 * that it can be undone in turn. Exit codes as for import; 5 when a conflict was left as it is.
 */
export async function undoCommand(given: string, flags: UndoFlags, io: Io): Promise<number> {
  const concurrency = positiveInt('--concurrency', flags.concurrency) ?? 8;
  const waitMs = seconds('--wait-lock', flags.waitLock);
  const limit = flags.maxDeactivations === undefined ? undefined : { limit: maxMissing(flags.maxDeactivations, '--max-deactivations'), text: `--max-deactivations ${flags.maxDeactivations}` };
  if (flags.results !== undefined) resultsFolder(flags.results, io.cwd);
  const state = await openState({ config: flags.config, cwd: io.cwd, env: io.env });
  let found: FoundRun;
  try {
    found = await findRun(given, state, io.cwd);
  } finally {
    await state.close();
  }
  return writeRun(
    () => openTarget(found.target, { ...openOptions(io, flags.config), ...(flags.concurrency !== undefined ? { concurrency } : {}) }),
    {
      command: 'undo',
      record: !flags.dryRun,
      warn: warner(io),
      ...(flags.dryRun ? {} : { lock: { what: (opened: OpenedTarget) => `undo on ${opened.target?.label}`, waitMs } }),
      prepare: (opened) => {
        if (!opened.target?.writer) throw new UsageError(`"${found.target}" is not a writable target here: there is nothing to undo`);
        if (!flags.dryRun && !flags.yes && !io.stdinIsTTY && !opened.embedded) throw new UsageError(`undo changes ${opened.target.label}: without a terminal to confirm on, pass --yes to apply or --dry-run to only plan`);
        return resultsFolder(flags.results, io.cwd, opened.home);
      },
    },
    (run, resultsDir) => undoRun(run, resultsDir, found, { flags, io, concurrency, limit }),
  );
}

interface UndoContext {
  flags: UndoFlags;
  io: Io;
  concurrency: number;
  /** The brake given on the command line (else the config's, else none). */
  limit: { limit: { count: number } | { fraction: number }; text: string } | undefined;
}

async function undoRun(run: WriteRun, resultsDir: string, found: FoundRun, { flags, io, concurrency, limit }: UndoContext): Promise<number> {
  const target = run.opened.target!;
  const err = colourFor(io.stderr, io.env);
  io.stderr.write(`${err.dim(`undoing run ${printable(found.id ?? found.folder ?? '', true)}${found.at ? ` of ${found.at}` : ''} (${plural(found.journal.length, 'write')} in ${printable(found.source, true)})`)}\n`);
  const plan = await planUndo(target, found, { delete: Boolean(flags.delete), ...(run.opened.policy ? { policy: run.opened.policy } : {}) }, { concurrency, state: run.opened.state, ...(brakeOf(run, limit) ? { brake: brakeOf(run, limit)! } : {}) });
  Object.assign(run.counts, plan.summary);
  if (found.id) run.undoes = found.id;
  if (flags.out) await writeFileAtomic(resolve(io.cwd, flags.out), await (await import('../../app/apply-saved-plan.js')).savedPlanText(planDocument(plan), run.opened.state)).catch((error: unknown) => Promise.reject(outputFailed('the plan', flags.out!, error)));
  if (flags.format !== 'json') io.stdout.write(renderPlanText(plan, colourFor(io.stdout, io.env), Boolean(flags.verbose)) + pacedNote(plan.operations.length, target.pacing, colourFor(io.stdout, io.env)));
  const outputs = undoOutputs(plan, { flags, io, concurrency, limit });
  const changes = plan.operations.length;
  const leftAlone = plan.summary.conflicts;
  if (flags.dryRun) return outputs.done('dry run: nothing was written', leftAlone ? ExitCode.partialFailure : flags.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok);
  if (changes === 0) {
    io.stderr.write(`${leftAlone ? err.yellow('!') : err.green('✔')} nothing to undo${leftAlone ? `; ${plural(leftAlone, 'conflict')} left as ${leftAlone === 1 ? 'it is' : 'they are'}` : ': the target already holds what it held before the run'}\n`);
    return outputs.done('nothing to undo', leftAlone ? ExitCode.partialFailure : ExitCode.ok);
  }
  if (!(await confirmApply(io, plan, target.label, flags.yes))) {
    io.stderr.write('nothing was written\n');
    return outputs.done('not applied (the answer was no): nothing was written', ExitCode.ok);
  }
  run.results = resolve(io.cwd, resultsDir);
  const sync = sentState(target, run.opened.state);
  const result = await runApply({ target, plan, ...(sync ? { sync } : {}) }, { concurrency, resultsDir, lockLost: run.lock?.lost, run: runFile(run, 'undo', target) }, io);
  Object.assign(run.counts, appliedCounts(result));
  const code = applyExitCode(result, leftAlone, io);
  if (run.opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_APPLIED)}\n`);
  return outputs.done(appliedLine(result, leftAlone), code, result);
}

/** The deactivation brake of an undo: --max-deactivations, else the config's maxDeactivations, else none. */
function brakeOf(run: WriteRun, given: UndoContext['limit']): UndoContext['limit'] {
  const configured = run.opened.calendar?.maxDeactivations;
  return given ?? (configured ? { limit: maxMissing(configured.text, configured.where), text: `${configured.where} ${configured.text}` } : undefined);
}

/** What undo says at the end on stdout (--format json) and in --report; returns the exit code it is given. */
function undoOutputs(plan: Plan, { flags, io }: UndoContext) {
  return {
    async done(outcome: string, code: number, apply?: AppliedRun): Promise<number> {
      const planned = { plan, inputProblems: plan.summary.conflicts };
      const applied = apply ? appliedSummary(planned, apply, code) : undefined;
      if (flags.format === 'json') io.stdout.write(`${JSON.stringify({ ...planDocument(plan), ...(applied ? { apply: applied } : {}) }, null, 2)}\n`);
      if (flags.report) {
        const validation = { ok: true, rules: plan.target, checkedAgainst: plan.target, summary: { files: 0, rows: 0, errors: 0, warnings: 0 }, files: [], truncated: false, issues: [] };
        await writeReport(flags.report, renderReportHtml({ command: 'undo', outcome, exitCode: code, at: new Date().toISOString(), validation, plan, applied, ...(flags.verbose ? { limit: Infinity } : {}) }), io);
      }
      return code;
    },
  };
}
