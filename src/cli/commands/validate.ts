import { ExitCode, UsageError } from '../../errors.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import { resolveEncoding } from '../../io/decode.js';
import { loadMapping } from '../../mapping/mapping-file.js';
import type { Entity } from '../../model/entities.js';
import { hasRules, RULE_TARGETS } from '../../targets/registry.js';
import { validateFiles, type ValidationReport } from '../../validate/validate-files.js';
import { colourFor, type Io } from '../terminal.js';
import { renderValidationGithub, renderValidationJson, renderValidationText } from '../render/validation.js';

export interface ValidateFlags {
  target: string;
  entity?: Entity;
  map?: string;
  encoding?: string;
  delimiter?: string;
  format: 'text' | 'json' | 'github';
  maxErrors: string;
}

/** Turns flags into validateFiles options; every problem with them is a usage error (exit 64). */
export async function validateOptions(flags: ValidateFlags) {
  const target = flags.target.toLowerCase();
  if (target === 'unified') throw new UsageError('unified is a read-only source: validate against the platform you import into', `targets: ${RULE_TARGETS.join(', ')}`);
  if (!hasRules(target)) throw new UsageError(`unknown target "${flags.target}"`, `targets: ${RULE_TARGETS.join(', ')}`);
  let delimiter: string | undefined;
  if (flags.delimiter !== undefined) {
    delimiter = parseDelimiterOption(flags.delimiter);
    if (!delimiter) throw new UsageError(`--delimiter must be one character (or "tab"), not "${flags.delimiter}"`);
  }
  const maxErrors = Number(flags.maxErrors);
  if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new UsageError(`--max-errors must be a whole number, not "${flags.maxErrors}"`);
  const encoding = flags.encoding === undefined ? undefined : resolveEncoding(flags.encoding);
  const mapping = flags.map === undefined ? undefined : await loadMapping(flags.map);
  return {
    target,
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(mapping ? { mapping } : {}),
    read: { ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}) },
    maxErrors,
  };
}

export async function runValidate(files: string[], flags: ValidateFlags): Promise<ValidationReport> {
  return validateFiles(files, await validateOptions(flags));
}

/** `hrsync validate`: checks files, prints the report, and returns the exit code (0 valid, 3 invalid). */
export async function validateCommand(files: string[], flags: ValidateFlags, io: Io): Promise<number> {
  const report = await runValidate(files, flags);
  const output =
    flags.format === 'json' ? renderValidationJson(report) : flags.format === 'github' ? renderValidationGithub(report) : renderValidationText(report, colourFor(io.stdout, io.env));
  io.stdout.write(output);
  return report.ok ? ExitCode.ok : ExitCode.invalidInput;
}
