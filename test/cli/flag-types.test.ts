import { Command } from 'commander';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Entity } from '../../src/core/model/entities.js';
import { addOptions, EXPORT_OPTIONS, IMPORT_OPTIONS, type ApplyFlags, type ExportFlags, type FlagsOf, type HistoryFlags, type ImportFlags } from '../../src/cli/options.js';

// The flags types are read off the options table (FlagsOf): these lines are checked by `tsc -p
// tsconfig.json` (part of `npm test`); a @ts-expect-error that no longer errs fails the compile.

describe('flags types, read off the options table', () => {
  it('name each flag as commander does, and type it from its declaration', () => {
    expectTypeOf<ImportFlags['dryRun']>().toEqualTypeOf<boolean | undefined>(); // a switch: optional boolean
    expectTypeOf<ImportFlags['waitLock']>().toEqualTypeOf<string | undefined>(); // <seconds>, no default
    expectTypeOf<ImportFlags['only']>().toEqualTypeOf<string[]>(); // repeatable: a list, always there
    expectTypeOf<ImportFlags['format']>().toEqualTypeOf<'text' | 'json'>(); // planFormat's choices, with a default
    expectTypeOf<ImportFlags['missing']>().toEqualTypeOf<'ignore' | 'deactivate' | 'delete'>();
    expectTypeOf<ImportFlags['concurrency']>().toEqualTypeOf<string>(); // a default: required
    expectTypeOf<ImportFlags['entity']>().toEqualTypeOf<Entity | undefined>();
    expectTypeOf<ExportFlags['entity']>().toEqualTypeOf<Entity>(); // exportEntity: --entity, default users
    expectTypeOf<HistoryFlags>().toEqualTypeOf<{ config?: string; format: 'text' | 'json'; limit: string }>();
    expectTypeOf<ApplyFlags>().toEqualTypeOf<{ config?: string; force?: boolean; concurrency: string; results?: string; failedXlsx?: boolean; waitLock?: string }>();
    expectTypeOf<FlagsOf<['dryRun', 'maxMissing']>>().toEqualTypeOf<{ dryRun?: boolean; maxMissing: string }>();
  });

  it('refuse a flag a command does not have, or a value its declaration does not allow', () => {
    const flags = {} as ImportFlags;
    // @ts-expect-error -- no such flag: it is dryRun
    void flags.dryrun;
    // @ts-expect-error -- import has no --max-errors (validate has)
    void flags.maxErrors;
    // @ts-expect-error -- import's --format is text or json, not github
    const github: ImportFlags['format'] = 'github';
    // @ts-expect-error -- --dry-run is a switch, not a string
    const dry: ImportFlags['dryRun'] = 'yes';
    // @ts-expect-error -- not an option of the table
    type Unknown = FlagsOf<['dryRun', 'noSuchOption']>;
    expect([github, dry, ({} as Unknown | undefined) !== undefined]).toHaveLength(3);
  });

  it('have the very keys commander gives the command: the table registers them and types them', () => {
    // Record<keyof …, true>: tsc refuses a key missing from, or extra to, the inferred type.
    const importKeys: Record<keyof ImportFlags, true> = {
      target: true, config: true, from: true, since: true, entity: true, map: true, encoding: true, delimiter: true, sheet: true, inputFormat: true, format: true,
      dryRun: true, yes: true, detailedExitcode: true, out: true, match: true, missing: true, maxMissing: true, maxDeactivations: true, asOf: true, where: true, mode: true, blank: true, strict: true, maxInvalid: true, only: true, limit: true,
      concurrency: true, results: true, failedXlsx: true, waitLock: true, report: true, verbose: true,
    };
    const exportKeys: Record<keyof ExportFlags, true> = { target: true, config: true, entity: true, output: true, format: true, csvDialect: true, delimiter: true, fields: true, filter: true, since: true, wire: true };
    const attributes = (names: Parameters<typeof addOptions>[1]) => addOptions(new Command(), names).options.map((o) => o.attributeName()).sort();
    expect(attributes(IMPORT_OPTIONS)).toEqual(Object.keys(importKeys).sort());
    expect(attributes(EXPORT_OPTIONS)).toEqual(Object.keys(exportKeys).sort());
  });
});
