import type { Mapping } from '../core/mapping/mapping-file.js';
import type { Entity } from '../core/model/entities.js';
import type { Connection } from '../core/ports.js';
import { KnownRecords } from '../core/validate/known-records.js';
import type { IssueLog } from '../core/validate/issue-log.js';
import { validateFiles, validateToLog, type ValidateOptions, type ValidationReport } from '../core/validate/validate-files.js';
import { UsageError } from '../errors.js';
import type { ReadOptions } from '../io/types.js';
import type { OpenedRules } from './open-target.js';

/** How to read and check the input files: the same for `validate` and `import`. */
export interface InputOptions {
  entity?: Entity;
  mapping?: Mapping;
  read?: ReadOptions;
  /** Stop after this many errors (0: no limit). */
  maxErrors?: number;
  /** Told the rows read so far (progress). */
  onRows?: (rows: number) => void;
  /** How the issues are kept (see ValidateOptions.log): `first` when only the first few of each kind are shown. */
  log?: ValidateOptions['log'];
}

/** Reads the records references need from a live target, once, keeping only the fields they use. */
export function knownFrom(target: Connection): (needs: Map<Entity, Set<string>>) => Promise<KnownRecords> {
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

/**
 * `validate`: the files against the rules of the opened target (or rule set); references the batch
 * does not settle are checked against the live target's records when there is one.
 */
export async function runValidation(opened: OpenedRules, files: string[], options: InputOptions & { keepRecords?: boolean }): Promise<ValidationReport> {
  return validateFiles(files, validationOptions(opened, options));
}

/** runValidation, its issues in an IssueLog (any number of them, in bounded memory): the caller closes it. */
export async function runValidationToLog(opened: OpenedRules, files: string[], options: InputOptions): Promise<ValidationReport<IssueLog>> {
  return validateToLog(files, validationOptions(opened, options));
}

function validationOptions(opened: OpenedRules, options: InputOptions & { keepRecords?: boolean }): ValidateOptions {
  if (!opened.rules) throw new UsageError(`${opened.target?.label ?? 'this target'} is a read-only source: validate against the platform you import into`);
  const entity = options.entity;
  if (entity && !opened.rules.entities[entity]) {
    const where = opened.target?.label ?? opened.rules.name;
    const takes = Object.keys(opened.rules.entities).join(', ');
    throw new UsageError(
      `--entity ${entity}: ${where} takes no ${entity} from a file (it takes ${takes})`,
      opened.target?.entities.includes(entity) ? `${entity} are read only here: hrsync export --entity ${entity} reads them` : `${entity} belong to another platform: pass the --target that holds them`,
    );
  }
  return { ...options, rules: opened.rules, ...(opened.target ? { known: knownFrom(opened.target) } : {}) };
}
