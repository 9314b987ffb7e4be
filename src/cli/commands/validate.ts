import { ExitCode, UsageError } from '../../errors.js';
import { parseDelimiterOption } from '../../io/delimiter.js';
import { resolveEncoding } from '../../io/decode.js';
import { loadMapping } from '../../core/mapping/mapping-file.js';
import type { Entity } from '../../core/model/entities.js';
import { RULE_TARGETS } from '../../connectors/registry.js';
import { openTarget } from '../../app/open-target.js';
import type { Target } from '../../core/ports.js';
import { KnownRecords } from '../../core/validate/known-records.js';
import { validateFiles, type ValidateOptions, type ValidationReport } from '../../core/validate/validate-files.js';
import { colourFor, type Io } from '../terminal.js';
import { renderValidationGithub, renderValidationJson, renderValidationText } from '../render/validation.js';

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

/** Flags → validateFiles options, except the target; every problem with them is a usage error (exit 64). */
export async function validateOptions(flags: ValidateFlags): Promise<Omit<ValidateOptions, 'target'>> {
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
    ...(flags.entity ? { entity: flags.entity } : {}),
    ...(mapping ? { mapping } : {}),
    read: { ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}) },
    maxErrors,
  };
}

/** Reads the records references need from a live target, once, keeping only the fields they use. */
export function knownFrom(target: Target): (needs: Map<Entity, Set<string>>) => Promise<KnownRecords> {
  return async (needs) => {
    const known = new KnownRecords(target.label);
    for (const [entity, fields] of needs) {
      if (!target.can.list || !target.entities.includes(entity)) continue;
      const keep = [...fields];
      const rows = [];
      for await (const page of target.list(entity)) for (const row of page) rows.push(Object.fromEntries(keep.map((f) => [f, row[f] ?? null])));
      known.load(entity, rows, keep);
    }
    return known;
  };
}

export async function runValidate(files: string[], flags: ValidateFlags, io: Io): Promise<ValidationReport> {
  if (flags.target === 'unified') throw new UsageError('unified is a read-only source: validate against the platform you import into', `targets: ${RULE_TARGETS.join(', ')}`);
  const options = await validateOptions(flags);
  const opened = await openTarget(flags.target, { config: flags.config, env: io.env });
  try {
    if (opened.target?.type === 'unified') throw new UsageError(`${opened.target.label} is a read-only source: validate against the platform you import into`);
    if (opened.note) io.stderr.write(`${colourFor(io.stderr, io.env).dim(opened.note)}\n`);
    return await validateFiles(files, { ...options, target: opened.rules, ...(opened.target ? { known: knownFrom(opened.target) } : {}) });
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
