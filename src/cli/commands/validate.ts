import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InputOptions } from '../../app/validate-run.js';
import { runValidationToLog } from '../../app/validate-run.js';
import { openTarget } from '../../app/open-target.js';
import type { Entity } from '../../core/model/entities.js';
import type { IssueLog } from '../../core/validate/issue-log.js';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import { ExitCode, UsageError, outputFailed } from '../../errors.js';
import { resolveEncoding } from '../../io/decode.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { notAnInput } from '../parse.js';
import { printable } from '../printable.js';
import { STDIN_NAME } from '../../io/paths.js';
import type { FileFormat } from '../../io/types.js';
import { digestIssues, renderValidationText, SHOWN_PER_CODE, writeValidationGithub, writeValidationJson } from '../render/validation.js';
import { drawsLive, ratePerSecond, spinner } from '../progress.js';
import { colourFor, formatCount, plural, type Io, openOptions } from '../terminal.js';

export interface ValidateFlags {
  target?: string;
  config?: string;
  entity?: Entity;
  map?: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  inputFormat?: FileFormat;
  format: 'text' | 'json' | 'github';
  maxErrors: string;
  verbose?: boolean;
  annotate?: string;
  report?: string;
}

/**
 * Flags and file arguments → the files and how to read and check them; every problem with them is a
 * usage error (exit 64). `-` is standard input, named `<stdin>` in every message.
 */
export async function inputOptions(flags: Omit<ValidateFlags, 'format' | 'maxErrors'> & { maxErrors?: string }, io: Io, files: readonly string[] = []): Promise<InputOptions & { files: string[] }> {
  const dashes = files.filter((f) => f === '-').length;
  if (dashes > 1) throw new UsageError('"-" (standard input) is given more than once: it can be read only once');
  if (dashes && !io.stdin) throw new UsageError('"-" reads standard input, and there is none here');
  let delimiter: string | undefined;
  if (flags.delimiter !== undefined) {
    delimiter = parseDelimiterOption(flags.delimiter);
    if (!delimiter) throw new UsageError(`--delimiter must be one character (or "tab"), not "${flags.delimiter}"`);
  }
  const maxErrors = Number(flags.maxErrors ?? '0');
  if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new UsageError(`--max-errors must be a whole number, not "${flags.maxErrors}"`);
  const encoding = flags.encoding === undefined ? undefined : resolveEncoding(flags.encoding);
  // The mapping file's reader (zod, and csv-parse for its value tables) loads only for --map.
  const mapping = flags.map === undefined ? undefined : await (await import('../../core/mapping/mapping-file.js')).loadMapping(flags.map, io.cwd);
  return {
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(mapping ? { mapping } : {}),
    read: { cwd: io.cwd, ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}), ...(flags.sheet !== undefined ? { sheet: flags.sheet } : {}), ...(flags.inputFormat ? { format: flags.inputFormat } : {}), ...(dashes ? { stdin: io.stdin } : {}) },
    maxErrors,
    files: files.map((f) => (f === '-' ? STDIN_NAME : f)),
  };
}

/** Validates the files; the report's issues are in a log, read back as they are written out: close it. */
export async function runValidate(args: string[], flags: ValidateFlags, io: Io): Promise<ValidationReport<IssueLog>> {
  const { files, ...read } = await inputOptions(flags, io, args);
  // Text shows the first few issues of each kind and counts the rest: only those are kept.
  const counted = flags.format === 'text' && !flags.verbose && !flags.annotate && !flags.report;
  const options = counted ? { ...read, log: { first: SHOWN_PER_CODE } } : read;
  // validate never starts the embedded sandbox, and writes no file: without a target, rules only.
  const opened = await openTarget(flags.target, { ...openOptions(io, flags.config), offline: true });
  const progress = await validationProgress(files, io);
  try {
    if (opened.note) io.stderr.write(`${colourFor(io.stderr, io.env).dim(opened.note)}\n`);
    return await runValidationToLog(opened, files, { ...options, ...progress.hooks, read: { ...options.read, ...progress.hooks.read } });
  } finally {
    progress.stop();
    await opened.close();
  }
}

/**
 * On a terminal, a spinner with the rows read, rows per second and the share of the files' bytes read
 * (redrawn at most ten times a second); elsewhere nothing at all.
 */
async function validationProgress(files: string[], io: Io): Promise<{ hooks: { onRows?: (rows: number) => void; read: { onRead?: (bytes: number) => void } }; stop(): void }> {
  if (!drawsLive(io)) return { hooks: { read: {} }, stop: () => {} };
  const total = files.reduce((sum, f) => sum + (statSafe(resolve(io.cwd, f)) ?? 0), 0);
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  let drawn = 0;
  const bar = await spinner(io);
  const draw = () => {
    const now = performance.now();
    if (now - drawn < 100) return;
    drawn = now;
    const share = total ? ` (${Math.min(100, Math.floor((bytes / total) * 100))} % of ${formatBytes(total)})` : '';
    bar.text = `validating: ${formatCount(rows)} rows, ${formatCount(Math.round(ratePerSecond(rows, started)))}/s${share}`;
  };
  bar.start('validating');
  return {
    hooks: {
      onRows: (n) => {
        rows = n;
        draw();
      },
      read: {
        onRead: (n) => {
          bytes += n;
          draw();
        },
      },
    },
    stop: () => bar.stop(),
  };
}

const statSafe = (path: string): number | undefined => {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
};

const formatBytes = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${Math.ceil(n / 1024)} kB`);

/** `hrsync validate`: checks files, prints the report, and returns the exit code (0 valid, 3 invalid). */
export async function validateCommand(files: string[], flags: ValidateFlags, io: Io): Promise<number> {
  notAnInput('--annotate', flags.annotate, files, io.cwd);
  notAnInput('--report', flags.report, files, io.cwd);
  const annotate = flags.annotate ? await import('../../app/annotate.js') : undefined;
  annotate?.annotatedFormat(flags.annotate!, files.length);
  const report = await runValidate(files, flags, io);
  try {
    if (annotate && flags.annotate) {
      const { writeAnnotated } = annotate;
      const { read } = await inputOptions(flags, io);
      const written = await writeAnnotated(files, report, flags.annotate, { cwd: io.cwd, ...(read ? { read } : {}) });
      io.stderr.write(`${colourFor(io.stderr, io.env).dim(`wrote ${formatCount(written.rows)} rows with an "hrsync errors" column to ${printable(written.path, true)}`)}\n`);
    }
    // The issues are read back in order as they are written: the output is never held whole. A reader
    // that stops reading part-way still gets validate's exit code.
    const code = report.ok ? ExitCode.ok : ExitCode.invalidInput;
    io.settle?.(code);
    if (flags.format === 'json') await writeValidationJson(report, io.stdout);
    else if (flags.format === 'github') await writeValidationGithub(report, io.stdout);
    else io.stdout.write(await renderValidationText(report, colourFor(io.stdout, io.env), Boolean(flags.verbose)));
    if (flags.report) {
      const { summary } = report;
      const outcome = report.truncated
        ? `stopped after ${plural(summary.errors, 'error')} (--max-errors): the rest was not checked`
        : `${summary.errors ? 'invalid' : 'valid'}: ${plural(summary.rows, 'row')}, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`;
      const limit = flags.verbose ? Infinity : undefined;
      const { renderReportHtml, REPORT_LIMIT } = await import('../render/report-html.js');
      const issues = await digestIssues(report.issues, limit ?? REPORT_LIMIT);
      await writeReport(flags.report, renderReportHtml({ command: 'validate', outcome, exitCode: code, at: new Date().toISOString(), validation: { ...report, issues }, ...(limit ? { limit } : {}) }), io);
    }
    return code;
  } finally {
    report.issues.close();
  }
}

/**
 * --report: the HTML page, written whole or not at all, 0600 (it holds personal data); a failure is
 * exit 74, as for any other output. Said on stderr, so standard output stays the report asked for.
 */
export async function writeReport(file: string, page: string, io: Io): Promise<void> {
  await writeFileAtomic(resolve(io.cwd, file), page, { mode: 0o600 }).catch((error: unknown) => Promise.reject(outputFailed('the report', file, error)));
  io.stderr.write(`${colourFor(io.stderr, io.env).dim(`report: ${printable(file, true)}`)}\n`);
}
