import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { runExport } from '../../app/export-run.js';
import ora from 'ora';
import { applyPlan, type ApplyReport } from '../../core/apply/apply.js';
import { ExitCode, SafetyStop, UsageError } from '../../errors.js';
import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import { buildPlan, MissingLimit, type MissingPolicy, type Plan, type PlannedOp } from '../../core/plan/plan.js';
import { SyncState } from '../../app/sync-state.js';
import { openTarget } from '../../app/open-target.js';
import type { Target } from '../../core/ports.js';
import { validateFiles } from '../../core/validate/validate-files.js';
import { renderPlanText } from '../render/plan.js';
import { renderValidationText } from '../render/validation.js';
import { colourFor, plural, type Io } from '../terminal.js';
import { knownFrom, validateOptions, type ValidateFlags } from './validate.js';

export interface ImportFlags extends Omit<ValidateFlags, 'format'> {
  format: 'text' | 'json';
  dryRun?: boolean;
  yes?: boolean;
  detailedExitcode?: boolean;
  out?: string;
  match?: string;
  missing: MissingPolicy;
  maxMissing: string;
  blank: 'ignore' | 'clear';
  strict?: boolean;
  only: string[];
  limit?: string;
  concurrency: string;
  results?: string;
  verbose?: boolean;
  from?: string;
  since?: string;
}

/** "10%" or "25" → the --max-missing limit. */
export function parseMaxMissing(text: string): { count: number } | { fraction: number } {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--max-missing must be a count or a percentage, not "${text}"`);
  return m[2] ? { fraction: Number(m[1]) / 100 } : { count: Math.floor(Number(m[1])) };
}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of 1 or more, not "${text}"`);
  return n;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/**
 * `hrsync import`: validate, read the target, plan the smallest set of writes, show it, and — unless
 * --dry-run — apply it after confirmation. Exit codes: 0 done (or nothing to do), 2 changes planned
 * (--dry-run --detailed-exitcode), 3 invalid input (--strict, or rows skipped in a dry run),
 * 4 the target failed, 5 some rows failed or were skipped, 6 a safety limit, 64 usage, 130 Ctrl-C.
 */
export async function importCommand(files: string[], flags: ImportFlags, io: Io, stdinIsTTY = Boolean(process.stdin.isTTY)): Promise<number> {
  if (flags.from ? files.length > 0 : files.length === 0) throw new UsageError('give input files, or --from SOURCE, not both');
  if (flags.since !== undefined && !flags.from) throw new UsageError('--since goes with --from');
  if (flags.since !== undefined && Number.isNaN(Date.parse(flags.since))) throw new UsageError(`--since "${flags.since}" is not an ISO date or date-time`);
  const resultsDir = flags.results ?? join('.hrsync', 'runs', stamp());
  const concurrency = positive('--concurrency', flags.concurrency) ?? 8;
  const limit = positive('--limit', flags.limit);
  const maxMissing = parseMaxMissing(flags.maxMissing);
  const match = flags.match?.split(',').map((k) => k.trim()).filter(Boolean);
  const options = await validateOptions({ ...flags, format: 'text', maxErrors: '0' });
  const err = colourFor(io.stderr, io.env);
  const out = colourFor(io.stdout, io.env);

  const opened = await openTarget(flags.target, { config: flags.config, env: io.env });
  try {
    const target = opened.target;
    if (!target) throw new UsageError(`"${flags.target}" names rules, not a target to import into`, 'pass a configured target, or "sandbox"');
    if (!target.writer) throw new UsageError(`${target.label} is read-only: import into a platform, and use it with --from once that is supported`);
    if (opened.note) io.stderr.write(`${err.dim(opened.note)}\n`);
    // Writing to a real target without a terminal to confirm on takes --yes; the embedded sandbox is
    // a throwaway emulation, so there the plan is shown and applied (on a terminal it still asks).
    if (!flags.dryRun && !flags.yes && !stdinIsTTY && !opened.embedded)
      throw new UsageError(`import changes ${target.label}: without a terminal to confirm on, pass --yes to apply or --dry-run to only plan`);
    if (flags.from) files = [await pullSource(flags.from, flags, resultsDir, io)];

    // 1. Validate: same rules as `validate`; invalid rows are left out (or, with --strict, stop everything).
    const report = await validateFiles(files, { ...options, target: opened.rules, known: knownFrom(target), keepRecords: true });
    if (report.issues.length && flags.format === 'text') io.stderr.write(renderValidationText(report, err));
    if (!report.ok && flags.strict) {
      io.stderr.write(`${err.red('--strict:')} the input has invalid rows; nothing was planned or written\n`);
      return ExitCode.invalidInput;
    }
    const records = report.records ?? [];
    // Every row read is either planned or counted here (a file-level error leaves out the whole file).
    const invalidRows = Math.max(0, report.summary.rows - records.length) + (report.ok ? 0 : report.files.filter((f) => f.rows === 0 && f.errors > 0).length);

    // 2. Read what the target holds now, for each entity in the input — or, for a target that
    //    cannot be listed, what hrsync last sent it successfully.
    const current = new Map<Entity, CanonicalValues[]>();
    const state = target.can.list ? undefined : SyncState.for(target.name, 'users');
    const synced = state ? await state.load() : undefined;
    if (target.can.list)
      for (const entity of new Set(records.map((r) => r.entity))) {
        const rows: CanonicalValues[] = [];
        for await (const page of target.list(entity)) rows.push(...page);
        current.set(entity, rows);
      }

    // 3. Plan.
    let plan: Plan;
    try {
      plan = await buildPlan(target, records, {
        ...(match ? { match } : {}),
        missing: flags.missing,
        maxMissing,
        blank: flags.blank,
        ...(flags.only.length ? { only: flags.only } : {}),
        ...(limit ? { limit } : {}),
        ...(flags.since ? { incremental: true } : {}),
        invalid: invalidRows,
        ...(synced ? { synced } : {}),
      }, current);
    } catch (error) {
      if (!(error instanceof MissingLimit)) throw error;
      throw new SafetyStop(
        `${error.message} (--max-missing ${flags.maxMissing}); nothing was written. The first: ${error.examples.join(', ')}`,
        'check that the input is complete; if it is, raise --max-missing',
      );
    }
    if (flags.out) await writeFile(flags.out, `${JSON.stringify(plan, null, 2)}\n`);
    io.stdout.write(flags.format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan, out, Boolean(flags.verbose)));
    const changes = plan.operations.length;
    const inputProblems = plan.summary.invalid + plan.summary.conflicts;

    if (flags.dryRun) {
      if (inputProblems) return ExitCode.invalidInput;
      return flags.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok;
    }
    if (changes === 0) return inputProblems ? ExitCode.partialFailure : ExitCode.ok;
    if (!flags.yes && stdinIsTTY && !(await confirm(io, `Apply ${plural(changes, 'change')} to ${target.label}? [y/N] `))) {
      io.stderr.write('nothing was written\n');
      return ExitCode.ok;
    }

    // 4. Apply.
    const result = await runApply(target, plan.operations, { concurrency, resultsDir }, io);
    if (state && synced) {
      for (const r of result.results) if (r.status === 'ok' && r.op.sends) synced.set(r.op.key, r.op.sends);
      await state.save(synced);
    }
    return applyExitCode(result, inputProblems, io);
  } finally {
    await opened.close();
  }
}

/** Applies with progress (a spinner on a terminal, a line per tenth otherwise) and Ctrl-C handling. */
export async function runApply(target: Target, ops: PlannedOp[], options: { concurrency: number; resultsDir: string }, io: Io): Promise<ApplyReport> {
  const err = colourFor(io.stderr, io.env);
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    io.stderr.write(`\n${err.yellow('stopping:')} no new writes start; waiting for those in flight…\n`);
  };
  process.once('SIGINT', onSignal);
  const spinner = ora({ stream: io.stderr, isSilent: !io.stderr.isTTY || Boolean(io.env.CI), discardStdin: false });
  const started = performance.now();
  let lastTenth = 0;
  spinner.start(`applying ${plural(ops.length, 'change')} to ${target.label}`);
  try {
    return await applyPlan(target, ops, {
      ...options,
      signal: controller.signal,
      onProgress: (done, total, failed) => {
        const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
        spinner.text = `applying to ${target.label}: ${done}/${total} done, ${failed} failed, ${rate.toFixed(1)}/s`;
        const tenth = Math.floor((done / total) * 10);
        if (!io.stderr.isTTY && tenth > lastTenth) {
          lastTenth = tenth;
          io.stderr.write(`${done}/${total} done, ${failed} failed\n`);
        }
      },
    });
  } finally {
    spinner.stop();
    process.removeListener('SIGINT', onSignal);
  }
}

/** The closing lines and the exit code of an apply: 0, 4 (target failed), 5 (rows failed or skipped), 130. */
export function applyExitCode(result: ApplyReport, inputProblems: number, io: Io): number {
  const err = colourFor(io.stderr, io.env);
  const line = `${plural(result.ok, 'change')} applied, ${plural(result.failed, 'failed', 'failed')}, ${plural(result.skipped, 'skipped', 'skipped')}`;
  io.stderr.write(`${result.failed || result.skipped ? err.yellow(line) : err.green(`✔ ${line}`)}; results in ${result.resultsDir}\n`);
  if (result.targetFailure) {
    io.stderr.write(`${err.red('error:')} ${result.targetFailure.message}\n`);
    return ExitCode.targetFailed;
  }
  if (result.interrupted) return ExitCode.interrupted;
  if (result.failed || result.skipped || inputProblems) {
    for (const r of result.results.filter((x) => x.status === 'failed').slice(0, 10))
      io.stderr.write(`  ${err.red('failed')} ${r.op.action} ${r.op.entity} ${r.op.key}${r.op.file ? ` (${r.op.file}:${r.op.line})` : ''}: ${r.error}\n`);
    return ExitCode.partialFailure;
  }
  return ExitCode.ok;
}

/**
 * --from: the source's users, written as they were read (canonical columns) to from-<name>.ndjson in
 * the run's folder, which then goes through validation and planning like any input file — and stays
 * there as the record of what the run acted on.
 */
async function pullSource(name: string, flags: ImportFlags, resultsDir: string, io: Io): Promise<string> {
  const source = await openTarget(name, { config: flags.config, env: io.env });
  try {
    if (!source.target) throw new UsageError(`--from "${name}" names rules, not a target to read from`);
    if (!source.target.can.list) throw new UsageError(`--from ${source.target.label}: it cannot be listed`);
    await mkdir(resultsDir, { recursive: true });
    const path = join(resultsDir, `from-${name.replace(/[^\w-]/g, '_')}.ndjson`);
    const report = await runExport(source.target, { entity: 'users', output: path, format: 'ndjson', query: flags.since ? { since: flags.since } : {} }, io.stdout);
    io.stderr.write(`${colourFor(io.stderr, io.env).dim(`read ${plural(report.rows, 'user')} from ${report.target}${flags.since ? ` changed since ${flags.since}` : ''} (${path})`)}\n`);
    return path;
  } finally {
    await source.close();
  }
}

