import type { InputOptions } from '../../app/validate-run.js';
import { runValidation } from '../../app/validate-run.js';
import { openTarget } from '../../app/open-target.js';
import { loadMapping } from '../../core/mapping/mapping-file.js';
import type { Entity } from '../../core/model/entities.js';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import { ExitCode, UsageError } from '../../errors.js';
import { resolveEncoding } from '../../io/decode.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import { STDIN_NAME } from '../../io/paths.js';
import type { FileFormat } from '../../io/types.js';
import { renderValidationGithub, renderValidationJson, renderValidationText } from '../render/validation.js';
import { colourFor, type Io, openOptions } from '../terminal.js';

export interface ValidateFlags {
  target?: string;
  config?: string;
  entity?: Entity;
  map?: string;
  encoding?: string;
  delimiter?: string;
  inputFormat?: FileFormat;
  format: 'text' | 'json' | 'github';
  maxErrors: string;
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
  const mapping = flags.map === undefined ? undefined : await loadMapping(flags.map, io.cwd);
  return {
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(mapping ? { mapping } : {}),
    read: { cwd: io.cwd, ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}), ...(flags.inputFormat ? { format: flags.inputFormat } : {}), ...(dashes ? { stdin: io.stdin } : {}) },
    maxErrors,
    files: files.map((f) => (f === '-' ? STDIN_NAME : f)),
  };
}

export async function runValidate(args: string[], flags: ValidateFlags, io: Io): Promise<ValidationReport> {
  const { files, ...options } = await inputOptions(flags, io, args);
  // validate never starts the embedded sandbox, and writes no file: without a target, rules only.
  const opened = await openTarget(flags.target, { ...openOptions(io, flags.config), offline: true });
  try {
    if (opened.note) io.stderr.write(`${colourFor(io.stderr, io.env).dim(opened.note)}\n`);
    return await runValidation(opened, files, options);
  } finally {
    await opened.close();
  }
}

/** `hrsync validate`: checks files, prints the report, and returns the exit code (0 valid, 3 invalid). */
export async function validateCommand(files: string[], flags: ValidateFlags, io: Io): Promise<number> {
  const report = await runValidate(files, flags, io);
  const output =
    flags.format === 'json' ? renderValidationJson(report) : flags.format === 'github' ? renderValidationGithub(report) : renderValidationText(report, colourFor(io.stdout, io.env));
  io.stdout.write(output);
  return report.ok ? ExitCode.ok : ExitCode.invalidInput;
}
