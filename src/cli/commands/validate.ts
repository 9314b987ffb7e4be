import type { InputOptions } from '../../app/validate-run.js';
import { runValidation } from '../../app/validate-run.js';
import { openTarget } from '../../app/open-target.js';
import { loadMapping } from '../../core/mapping/mapping-file.js';
import type { Entity } from '../../core/model/entities.js';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import { ExitCode, UsageError } from '../../errors.js';
import { resolveEncoding } from '../../io/decode.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import { renderValidationGithub, renderValidationJson, renderValidationText } from '../render/validation.js';
import { colourFor, type Io, openOptions } from '../terminal.js';

export interface ValidateFlags {
  target?: string;
  config?: string;
  entity?: Entity;
  map?: string;
  encoding?: string;
  delimiter?: string;
  format: 'text' | 'json' | 'github';
  maxErrors: string;
}

/** Flags → how to read and check the input; every problem with them is a usage error (exit 64). */
export async function inputOptions(flags: Omit<ValidateFlags, 'format' | 'maxErrors'> & { maxErrors?: string }, io: Io): Promise<InputOptions> {
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
    read: { cwd: io.cwd, ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}) },
    maxErrors,
  };
}

export async function runValidate(files: string[], flags: ValidateFlags, io: Io): Promise<ValidationReport> {
  const options = await inputOptions(flags, io);
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
