import { Option, type Command } from 'commander';
import { ENTITIES } from '../core/model/entities.js';

/**
 * Every option of every command, declared once: commander's flags and help come from here, and so does
 * docs/reference/commands.md (npm run docs; a test checks it is current).
 */
export const OPTIONS = {
  target: {
    flags: '-t, --target <name>',
    description: 'a configured target, "sandbox", or a platform’s rules only (default: the config’s defaultTarget, else the embedded sandbox)',
  },
  config: { flags: '-c, --config <file>', description: 'the config file (default: hrsync.config.json, .yaml or .yml here)' },
  entity: { flags: '-e, --entity <entity>', description: 'what the files hold (default: inferred from the columns)', choices: ENTITIES },
  map: { flags: '-m, --map <file>', description: 'a mapping file: column names, defaults and transforms per entity, and how its files are read (input: encoding, delimiter, sheet; these flags win)' },
  encoding: { flags: '--encoding <name>', description: 'file encoding when it is not UTF-8, e.g. windows-1252, latin1, utf-16le' },
  delimiter: { flags: '-d, --delimiter <char>', description: 'CSV delimiter: , ; | or tab (default: detected)' },
  inputFormat: { flags: '--input-format <format>', description: 'read the files (and - for standard input) as this format (default: from the extension; standard input: from its first line)', choices: ['csv', 'json', 'ndjson'] },
  format: { flags: '-f, --format <format>', description: 'output format', choices: ['text', 'json', 'github'], defaultValue: 'text' },
  exportEntity: { flags: '-e, --entity <entity>', description: 'what to export', choices: ENTITIES, defaultValue: 'users' },
  output: { flags: '-o, --output <file>', description: 'the file to write, or - for stdout (default: stdout)' },
  exportFormat: { flags: '-f, --format <format>', description: 'csv, json, ndjson or xlsx (default: from the file name, else csv)', choices: ['csv', 'json', 'ndjson', 'xlsx'] },
  fields: { flags: '--fields <a,b,…>', description: 'canonical fields to write, in this order (default: all the target holds)' },
  filter: { flags: '--filter <field=v1,v2>', description: 'only records whose field has one of these values (repeatable; pushed down where the platform filters)', repeatable: true },
  since: { flags: '--since <iso|last>', description: 'only records changed since this date or date-time, or since the last fully successful run (last)' },
  csvDialect: { flags: '--csv-dialect <dialect>', description: 'how a CSV is written: standard (UTF-8, commas, LF), excel (UTF-8 with a BOM, semicolons, CRLF: opens in columns in a German- or other European-locale Excel), machine (UTF-8, commas, LF, and no formula guard: values exactly as held, for a program)', choices: ['standard', 'excel', 'machine'], defaultValue: 'standard' },
  exportDelimiter: { flags: '-d, --delimiter <char>', description: 'CSV delimiter to write: , ; | or tab (default: the --csv-dialect’s)' },
  failedXlsx: { flags: '--failed-xlsx', description: 'also write the rows that did not land as failed.xlsx (always done for an .xlsx input); failed.csv is in the input’s own encoding, delimiter and line ends' },
  wire: { flags: '--wire', description: 'column names in the platform’s own words instead of canonical names' },
  planFormat: { flags: '-f, --format <format>', description: 'output format', choices: ['text', 'json'], defaultValue: 'text' },
  dryRun: { flags: '--dry-run', description: 'plan and show, write nothing' },
  yes: { flags: '-y, --yes', description: 'apply without asking (required without a terminal, unless --dry-run)' },
  detailedExitcode: { flags: '--detailed-exitcode', description: 'with --dry-run: exit 0 when there is nothing to do, 2 when there are changes' },
  out: { flags: '--out <plan.json>', description: 'also write the plan, as JSON, to this file' },
  match: { flags: '--match <keys>', description: 'ordered keys to match records on, e.g. externalId,email (default: per target)' },
  missing: { flags: '--missing <policy>', description: 'records on the target but not in the input', choices: ['ignore', 'deactivate', 'delete'], defaultValue: 'ignore' },
  maxMissing: { flags: '--max-missing <n|n%>', description: 'stop (exit 6) when more target records than this are missing from the input', defaultValue: '10%' },
  maxDeactivations: { flags: '--max-deactivations <n|n%>', description: 'stop (exit 6) when more records of an entity than this would be deactivated or deleted, for any reason: missing, leavers, a disabled HR status (default: the config’s maxDeactivations, else --max-missing’s limit)' },
  asOf: { flags: '--as-of <date|date-time>', description: 'plan as if it were this moment: joiners and leavers are decided at it (a date is the start of that day, a time without offset the clock, in the config’s timeZone, else UTC; default: now)' },
  blank: { flags: '--blank <policy>', description: 'blank cells: leave the target’s value alone, or clear it', choices: ['ignore', 'clear'], defaultValue: 'ignore' },
  maxInvalid: { flags: '--max-invalid <n|n%>', description: 'accept up to this many invalid rows, a count or a share of the rows read (e.g. 5 or 2%): they are still reported and left out, and the run succeeds (exit 0); more than this fails it (exit 3), and an import then writes nothing (default: any invalid row fails it)' },
  strict: { flags: '--strict', description: 'plan nothing when any row is invalid (exit 3)' },
  where: { flags: '--where <field=v1,v2>', description: 'only users rows whose field has one of these values (repeatable: each field must match), narrowing the target’s scope: rows out of it are neither created nor updated, and their accounts never counted missing', repeatable: true },
  mode: { flags: '--mode <kinds>', description: 'what this run may write: create, update, deactivate, comma-separated, e.g. create,update (deactivate covers deletes and an HR status that disables; default: the target’s mode, else all three)' },
  only: { flags: '--only <key>', description: 'only the row(s) with this match-key value (repeatable): a canary run', repeatable: true },
  limit: { flags: '--limit <n>', description: 'at most n creates and updates: a canary run' },
  concurrency: { flags: '--concurrency <n>', description: 'writes in flight at most', defaultValue: '8' },
  results: { flags: '--results <dir>', description: 'where results.csv, failed.csv and the journal go (default: .hrsync/runs/<time>/)' },
  force: { flags: '--force', description: 'apply even when records changed since the plan was made' },
  waitLock: { flags: '--wait-lock <seconds>', description: 'when another run is writing to the same target, wait this long for it (default: refuse at once, exit 6)' },
  from: { flags: '--from <source>', description: 'read the users from a listable target (an HR source, such as an HRIS connection) instead of files' },
  sheet: { flags: '--sheet <name>', description: 'the sheet of an .xlsx input to read, hidden ones too (default: the first visible sheet; names compared ignoring case)' },
  annotate: { flags: '--annotate <file>', description: 'also write the input back with an "hrsync errors" column: out.xlsx (a sheet per input file) or out.csv (one input file; .txt and .tsv too, in the input\'s delimiter)' },
  report: { flags: '--report <file.html>', description: 'also write the run as one self-contained HTML page (summary, charts, issues explained and by row, the rows with errors to download, changes, results); it holds personal data' },
  verbose: { flags: '-v, --verbose', description: 'list everything: every planned change and every issue, not the first few of each kind' },
  undoMaxDeactivations: { flags: '--max-deactivations <n|n%>', description: 'stop (exit 6) when the undo would deactivate or delete more records of an entity than this: a count, or a share of what the target holds (default: the config’s maxDeactivations, else no limit — they are records the run created)' },
  delete: { flags: '--delete', description: 'delete the records the run created instead of deactivating them (where the platform can)' },
  historyLimit: { flags: '--limit <n>', description: 'the most recent runs to show', defaultValue: '20' },
  listFormat: { flags: '-f, --format <format>', description: 'output format', choices: ['text', 'json'], defaultValue: 'text' },
  maxErrors: { flags: '--max-errors <n>', description: 'stop after this many errors (0: no limit)', defaultValue: '0' },
  host: { flags: '--host <host>', description: 'address to listen on', defaultValue: '127.0.0.1' },
  port: { flags: '--port <port>', description: 'port to listen on (0: any free port)', defaultValue: '4010' },
  data: { flags: '--data <file>', description: 'state file, written atomically after changes and loaded at start (default: the embedded sandbox’s for this folder, in your cache folder)' },
  seed: { flags: '--seed <dir>', description: 'folder of CSV/JSON users, companies and groups to start from (default: the samples)' },
  latency: { flags: '--latency <ms[,jitter]>', description: 'each answer leaves this long after its request arrived, e.g. 20ms or 20ms,10ms' },
  // Its kinds are the emulator's (FAULT_HELP in src/sandbox/faults.ts): the sandbox command adds them to this.
  fault: { flags: '--fault <kind=rate>', description: 'inject a fault at a rate (repeatable)', repeatable: true },
  rateLimit: { flags: '--rate-limit <n/s|off>', description: 'requests per second across all platforms before 429; off lifts every limit, the platforms\' own quotas too' },
  mappingOutput: { flags: '-o, --output <file>', description: 'the mapping file to write: .yaml or .yml (with comments), .json, or - for stdout', defaultValue: 'mapping.yaml' },
  overwrite: { flags: '--force', description: 'replace the mapping file when it exists' },
  apiKey: { flags: '--api-key <key>', description: 'the API key every platform accepts instead of sandbox-key' },
} as const satisfies Record<string, OptionSpec>;

export interface OptionSpec {
  flags: string;
  description: string;
  choices?: readonly string[];
  defaultValue?: string;
  /** May be given several times; the values collect into an array. */
  repeatable?: boolean;
}

export type OptionName = keyof typeof OPTIONS;

/** The long flag of a declaration: "-f, --format <format>" → "format", "--dry-run" → "dry-run". */
type LongFlag<F extends string> = F extends `${string}--${infer Rest}` ? (Rest extends `${infer Name} ${string}` ? Name : Rest) : never;
/** kebab-case → camelCase, as commander names an option's attribute: "dry-run" → "dryRun". */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** What commander gives for an option: a list (repeatable), one of its choices, a string (`<value>`), or true. */
type ValueOf<S extends OptionSpec> = S extends { repeatable: true }
  ? string[]
  : S extends { choices: ReadonlyArray<infer C> }
    ? C
    : S['flags'] extends `${string}<${string}>${string}`
      ? string
      : boolean;
/** Always there: an option with a default (a repeatable one defaults to []). */
type Given<S extends OptionSpec> = S extends { defaultValue: string } | { repeatable: true } ? true : false;
type Spec<N extends OptionName> = (typeof OPTIONS)[N];
type Attribute<N extends OptionName> = Camel<LongFlag<Spec<N>['flags']>>;
type Flat<T> = { [K in keyof T]: T[K] };

/**
 * The flags commander hands a command whose options are `Names`, read off their declarations: each
 * under its long flag in camelCase, a string for `<value>`, a list when repeatable, one of the choices
 * when they are given, a boolean for a switch; required when it has a default, else optional.
 */
export type FlagsOf<Names extends readonly OptionName[]> = Flat<
  { [N in Names[number] as Given<Spec<N>> extends true ? Attribute<N> : never]: ValueOf<Spec<N>> } & {
    [N in Names[number] as Given<Spec<N>> extends true ? never : Attribute<N>]?: ValueOf<Spec<N>>;
  }
>;

/**
 * Each command's options, declared once: main.ts registers them (addOptions) and the command's flags
 * type is read off them (FlagsOf).
 */
export const VALIDATE_OPTIONS = ['target', 'config', 'entity', 'map', 'encoding', 'delimiter', 'sheet', 'inputFormat', 'format', 'maxErrors', 'maxInvalid', 'report', 'verbose', 'annotate'] as const satisfies readonly OptionName[];
export const IMPORT_OPTIONS = [
  'target', 'config', 'from', 'since', 'entity', 'map', 'encoding', 'delimiter', 'sheet', 'inputFormat', 'planFormat', 'dryRun', 'yes', 'detailedExitcode',
  'out', 'match', 'missing', 'maxMissing', 'maxDeactivations', 'asOf', 'where', 'mode', 'blank', 'strict', 'maxInvalid', 'only', 'limit', 'concurrency', 'results', 'failedXlsx', 'waitLock', 'report', 'verbose',
] as const satisfies readonly OptionName[];
export const APPLY_OPTIONS = ['config', 'force', 'concurrency', 'results', 'failedXlsx', 'waitLock'] as const satisfies readonly OptionName[];
export const UNDO_OPTIONS = ['config', 'delete', 'undoMaxDeactivations', 'planFormat', 'dryRun', 'yes', 'detailedExitcode', 'out', 'concurrency', 'results', 'waitLock', 'report', 'verbose'] as const satisfies readonly OptionName[];
export const PERSON_HISTORY_OPTIONS = ['config', 'listFormat'] as const satisfies readonly OptionName[];
export const EXPORT_OPTIONS = ['target', 'config', 'exportEntity', 'output', 'exportFormat', 'csvDialect', 'exportDelimiter', 'fields', 'filter', 'since', 'wire'] as const satisfies readonly OptionName[];
export const SANDBOX_OPTIONS = ['host', 'port', 'data', 'seed', 'latency', 'fault', 'rateLimit', 'apiKey'] as const satisfies readonly OptionName[];
/** `targets`, `targets check`, and `state show`, `reset` and `migrate`. */
export const LISTING_OPTIONS = ['config', 'listFormat'] as const satisfies readonly OptionName[];
export const HISTORY_OPTIONS = ['config', 'listFormat', 'historyLimit'] as const satisfies readonly OptionName[];
export const MAP_INIT_OPTIONS = ['entity', 'encoding', 'delimiter', 'sheet', 'inputFormat', 'mappingOutput', 'overwrite'] as const satisfies readonly OptionName[];

export type ValidateFlags = FlagsOf<typeof VALIDATE_OPTIONS>;
export type ImportFlags = FlagsOf<typeof IMPORT_OPTIONS>;
export type ApplyFlags = FlagsOf<typeof APPLY_OPTIONS>;
export type ExportFlags = FlagsOf<typeof EXPORT_OPTIONS>;
export type UndoFlags = FlagsOf<typeof UNDO_OPTIONS>;
export type PersonHistoryFlags = FlagsOf<typeof PERSON_HISTORY_OPTIONS>;
/** The sandbox's own options, and the credential flags each emulated platform adds (sandboxFlags). */
export type SandboxFlags = FlagsOf<typeof SANDBOX_OPTIONS> & Record<string, unknown>;
export type ListingFlags = FlagsOf<typeof LISTING_OPTIONS>;
export type HistoryFlags = FlagsOf<typeof HISTORY_OPTIONS>;
export type MapInitFlags = FlagsOf<typeof MAP_INIT_OPTIONS>;
/** The flags that say how input files are read and checked (validate's and import's; import has no --max-errors). */
export type InputFlags = Partial<Pick<ValidateFlags, 'entity' | 'map' | 'encoding' | 'delimiter' | 'sheet' | 'inputFormat' | 'maxErrors' | 'verbose'>>;

/**
 * Adds the named options of the table to a command; `extra` adds options declared elsewhere (an
 * emulated platform's credential flags) or replaces a named one (by its name).
 */
export function addOptions(command: Command, names: readonly OptionName[], extra: ReadonlyArray<[string, OptionSpec]> = []): Command {
  const replaced = new Map(extra);
  const specs = [...names.map((name): OptionSpec => replaced.get(name) ?? OPTIONS[name]), ...extra.filter(([name]) => !(names as readonly string[]).includes(name)).map(([, spec]) => spec)];
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]).default([]);
    command.addOption(option);
  }
  return command;
}

/** The program's own flags, wherever they were written: main.ts gives them to every command's action. */
export interface GlobalFlags {
  /** -v, --verbose: list everything (the issues, the changes, the locks of other projects), not the first few. */
  verbose?: boolean;
}
