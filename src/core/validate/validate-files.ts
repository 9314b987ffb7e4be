import type { ReadOptions } from '../../io/types.js';
import type { Mapping } from '../mapping/mapping-file.js';
import type { CanonicalRecord } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { Issue } from '../model/issues.js';
import type { RuleBook } from '../rules/types.js';
import { Batch, type FileSummary } from './batch.js';
import { checkRows } from './check-rows.js';
import { headerIssues } from './header-issues.js';
import type { IssueLog } from './issue-log.js';
import { pack } from './key-index.js';
import type { KnownRecords } from './known-records.js';
import { openFiles } from './open-files.js';
import { settle } from './settle.js';

export type { FileSummary } from './batch.js';

export interface ValidateOptions {
  /** The rule sets to check against, per entity. */
  rules: RuleBook;
  /** Treat every file as this entity instead of inferring it from the columns. */
  entity?: Entity;
  mapping?: Mapping;
  read?: ReadOptions;
  /** Stop after this many errors (0 or undefined: no limit). */
  maxErrors?: number;
  /** Keep the records that passed every check (import plans from them). */
  keepRecords?: boolean;
  /** Count the rows with an error (`invalidRows`), for --max-invalid; keepRecords counts them too. */
  countInvalid?: boolean;
  /**
   * Records already on the target: references the batch does not settle are looked up here. A function
   * is called once, after the headers are read, with the entities and fields the rules refer to.
   */
  known?: KnownRecords | ((needs: Map<Entity, Set<string>>) => Promise<KnownRecords>);
  /** Told the rows read so far, every 1,024 rows (progress on a terminal). */
  onRows?: (rows: number) => void;
  /**
   * Where the issues go to disk when there are many (default: TMPDIR), and how many stay in memory; or
   * `first`: keep only the first few issues of each code in each file, and count the rest (IssueLog).
   */
  log?: { tmp?: string; held?: number; first?: number };
  /** The key indexes' page size (tests: small, so that pages go to disk; see KeyIndex). */
  indexPage?: number;
  /** With keepRecords: how many records stay in memory before the rest go to disk (see KeptRecords; tests: 0). */
  heldRecords?: number;
}

/**
 * The outcome of a validation. Its issues: an array (validateFiles), or an IssueLog that holds them in
 * bounded memory and reads them back in report order (validateToLog: `validate`, with any number of
 * issues); whoever gets a log closes it.
 */
export interface ValidationReport<Issues = Issue[]> {
  ok: boolean;
  /** The rule set applied: a platform's name ("accessplanit") or "generic" (JSON: "rules", and "target" as before). */
  rules: string;
  /** The live target references were also checked against, e.g. 'accessplanit "sandbox"', or null. */
  checkedAgainst: string | null;
  summary: { files: number; rows: number; errors: number; warnings: number };
  files: FileSummary[];
  issues: Issues;
  /** true when --max-errors stopped the run before every row was checked. */
  truncated: boolean;
  /**
   * With keepRecords or countInvalid: how many rows have an error, and how many files have an error
   * about the whole file (none of their rows is kept). --max-invalid reads them.
   */
  invalidRows?: number;
  brokenFiles?: number;
  /**
   * With keepRecords: the records that passed, in file order (none from a file with a file-level error);
   * past a number, their values are on disk until `closeRecords()` (see KeptRecords).
   */
  records?: CanonicalRecord[];
  /** With keepRecords: removes what `records` holds on disk; call it once the records are no longer read. */
  closeRecords?: () => void;
  /** With keepRecords: the fields the records have (or a few more), per entity, known without reading them back. */
  recordFields?: ReadonlyMap<Entity, ReadonlySet<string>>;
  /** With keepRecords: the records read but left out (an error on the row, or in its file), as far as they could be read. */
  rejected?: CanonicalRecord[];
}

/**
 * Validates a batch of files together, in four phases over one `Batch`: open every file and learn its
 * entity (1), report header-level findings (2), stream and check the rows in dependency order (3),
 * then settle what only the whole batch can tell: late references and duplicates (4). The report
 * lists issues in the order the files were given, by line.
 */
export async function validateFiles(paths: readonly string[], options: ValidateOptions): Promise<ValidationReport> {
  const report = await validateToLog(paths, options);
  try {
    const out: ValidationReport = { ...report, issues: await report.issues.toArray() };
    // A spread leaves out what is not data: carried over as it was, out of sight.
    for (const name of ['closeRecords', 'recordFields'] as const) if (report[name]) Object.defineProperty(out, name, { value: report[name], enumerable: false });
    return out;
  } finally {
    report.issues.close();
  }
}

/** validateFiles, its issues in an IssueLog (bounded memory, any number of them): the caller closes it. */
export async function validateToLog(paths: readonly string[], options: ValidateOptions): Promise<ValidationReport<IssueLog>> {
  const batch = new Batch(options.maxErrors && options.maxErrors > 0 ? options.maxErrors : Infinity, {
    ...(options.keepRecords ? { keepRecords: true } : {}),
    ...(options.countInvalid ? { countInvalid: true } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.indexPage ? { indexPage: options.indexPage } : {}),
    ...(options.heldRecords !== undefined ? { heldRecords: options.heldRecords } : {}),
  });
  try {
    await openFiles(batch, paths, options);
    batch.known = await knownFor(batch, options.known);
    // A JSON file read on before all its columns are known has its header findings once it is read.
    for (const file of batch.files) if (file.rules && file.columns && !file.partial && !batch.stopped) headerIssues(file, (issue) => batch.emit(issue, file));
    if (!batch.stopped) await checkRows(batch, options);
    if (!batch.stopped) settle(batch);
  } catch (error) {
    batch.issues.close();
    batch.kept.close();
    throw error;
  } finally {
    await Promise.all(batch.files.map((f) => f.events.return(undefined)));
    batch.closeIndexes();
  }
  return report(batch, options);
}

/** The target's records, fetched once, for the references these files make. */
async function knownFor(batch: Batch, known: ValidateOptions['known']): Promise<KnownRecords | undefined> {
  if (typeof known !== 'function') return known;
  const needs = new Map<Entity, Set<string>>();
  // Only the references these files make: a field the file has no column (or default) for refers to nothing
  // (a JSON file whose columns are not all known yet may make any of its rules' references).
  for (const file of batch.files) for (const [field, ref] of file.refs) if (file.supplied.has(field) || file.partial) needs.set(ref.entity, (needs.get(ref.entity) ?? new Set()).add(ref.field));
  return needs.size ? known(needs) : undefined;
}

function report(batch: Batch, options: ValidateOptions): ValidationReport<IssueLog> {
  // Stable order: files as given, then line, then whole-row issues before fields in the model's order (see IssueLog).
  const order = new Map(batch.files.map((f) => [f.summary.file, f.index]));
  batch.issues.order((file) => order.get(file) ?? 0);
  const summaries = batch.files.map((f) => f.summary);
  const result: ValidationReport<IssueLog> = {
    ok: batch.errors === 0,
    rules: options.rules.name,
    checkedAgainst: batch.known?.label ?? null,
    summary: { files: batch.files.length, rows: summaries.reduce((n, f) => n + f.rows, 0), errors: batch.errors, warnings: batch.issues.warnings },
    files: summaries,
    issues: batch.issues,
    truncated: batch.stopped,
  };
  if (options.keepRecords || options.countInvalid) Object.assign(result, { invalidRows: batch.invalid.size, brokenFiles: batch.broken.size });
  if (options.keepRecords) {
    const ok = (r: CanonicalRecord) => !batch.broken.has(order.get(r.file)!) && !batch.invalid.has(pack(order.get(r.file)!, r.line));
    const { kept, others } = batch.kept.partition(ok);
    Object.assign(result, { records: kept, rejected: others });
    // Not enumerable: not data (a report printed as JSON, or compared, has none).
    const store = batch.kept; // not the batch: its indexes and files are done with
    Object.defineProperty(result, 'closeRecords', { value: () => store.close(), enumerable: false });
    Object.defineProperty(result, 'recordFields', { value: store.fields, enumerable: false });
  }
  return result;
}
