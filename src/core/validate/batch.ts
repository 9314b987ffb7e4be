import { basename } from 'node:path';
import { SpillFolder } from '../../io/spill.js';
import type { FileFormat, ReadEvent } from '../../io/types.js';
import type { CsvDialect } from '../../io/dialect.js';
import { Interner } from '../../shared/interner.js';
import { KeptRecords } from './kept-records.js';
import type { ColumnMap } from '../mapping/columns.js';
import type { CanonicalRecord } from '../model/canonical.js';
import { SINGULAR, type Entity } from '../model/entities.js';
import { type Issue, quote } from '../model/issues.js';
import type { Reference, RuleSet } from '../rules/types.js';
import { IssueLog, LATE } from './issue-log.js';
import { KeyIndex } from './key-index.js';
import type { KnownRecords } from './known-records.js';

/** A file's entityReason when the entity was given, not inferred (the CLI words it as its flag). */
export const ENTITY_GIVEN = 'given';

export interface FileSummary {
  file: string;
  entity: Entity | null;
  /** Why this entity: ENTITY_GIVEN (the caller named it), "columns Forenames, Surname", "the file name …". */
  entityReason: string;
  format: FileFormat;
  encoding: string | null;
  delimiter: string | null;
  /** A CSV file: how it is written (encoding, BOM, delimiter, line ends), for the files handed back. Not in validate's JSON. */
  dialect?: CsvDialect;
  rows: number;
  errors: number;
  warnings: number;
  /** A workbook's: the sheet read. */
  sheet?: string;
  /**
   * A workbook's, for an issue's cell: the header's row, each header column's letter ("E-Mail" → "D"),
   * and the letter each mapped field was read from (email → "D").
   */
  cells?: { header: number; columns: Record<string, string>; fields: Record<string, string> };
}

/** One input file of a batch, from its header on. */
export interface OpenFile {
  index: number;
  summary: FileSummary;
  events: AsyncGenerator<ReadEvent[]>;
  /** Events of the first batch after the header. */
  pending: ReadEvent[];
  /** About how many records the file holds (0: not known), to size the key indexes once. */
  estimatedRows: number;
  columns: ColumnMap | undefined;
  rules: RuleSet | undefined;
  /** Fields the file supplies: a mapped column or a mapping default. */
  supplied: Set<string>;
  /** The header's line or row (below a title skipped, a workbook's empty rows): where the file's own findings are placed. */
  headerLine: number;
  /** The rule set's references, listed once for the row loop. */
  refs: Array<[string, Reference]>;
  /**
   * A JSON document whose header lists the columns of its first records only: more may come as it is
   * read (late-columns.ts), so its header findings wait for its end.
   */
  partial: boolean;
}

/** A reference to a record of an entity read later (or of the same entity), settled at the end. */
export interface Deferred {
  location: number;
  entity: Entity;
  field: string;
  value: string;
  ref: Reference;
}

/** Errors about a whole file: with one of these, none of the file's records is kept. */
/** Errors about a whole file: none of its rows is imported. */
export const FILE_LEVEL: ReadonlySet<Issue['code']> = new Set<Issue['code']>(['missing_column', 'empty_header', 'duplicate_header', 'unknown_entity', 'unsupported_entity', 'no_records']);

/** A set that keeps nothing: which rows are invalid matters only to a run that keeps its records or counts them (--max-invalid). */
const NOTHING: Set<number> = Object.assign(new Set<number>(), { add: () => NOTHING });

/**
 * What a batch validation accumulates across its phases: the files, the issues (in an IssueLog: bounded
 * memory), which records are invalid, the key indexes for duplicates and references, and the records
 * kept for import. Each phase is a function over it; `stopped` turns true when --max-errors is reached,
 * and every loop checks it.
 */
export class Batch {
  readonly files: OpenFile[] = [];
  readonly issues: IssueLog;
  errors = 0;
  stopped = false;
  /** Records read in all files so far (progress). */
  rowsRead = 0;
  /** Locations (file index, line) of records with an error: kept only when the records are. */
  readonly invalid: Set<number>;
  /**
   * Files whose records cannot be trusted at all: a required column missing, a header that cannot be
   * read, a read cut short. None of their records is kept: half a file must not look like the whole.
   */
  readonly broken = new Set<number>();
  /** The records kept for the plan: past a number, on disk (see KeptRecords). */
  readonly kept: KeptRecords;
  /** The kept records' repeated values, held once (see Interner). */
  private readonly interner = new Interner();
  /** "entity.field" → the values seen in the batch. */
  readonly indexes = new Map<string, KeyIndex>();
  readonly deferred: Deferred[] = [];
  known: KnownRecords | undefined;
  /** Where the key indexes' full pages go (see KeyIndex): made when the first fills. */
  private spill: SpillFolder | undefined;

  constructor(
    private readonly maxErrors: number,
    private readonly options: { keepRecords?: boolean; countInvalid?: boolean; log?: ConstructorParameters<typeof IssueLog>[0]; indexPage?: number; heldRecords?: number } = {},
  ) {
    this.issues = new IssueLog(options.log);
    this.kept = new KeptRecords(options.heldRecords, options.log?.tmp);
    this.invalid = options.keepRecords || options.countInvalid ? new Set() : NOTHING;
  }

  /**
   * Keeps a record for the plan, a value many rows repeat (a company id, a status) held once in one kept
   * in memory; `invalid`: a row already known to be left out, kept in memory for the results and failed
   * rows.
   */
  keep(record: CanonicalRecord, invalid = false): void {
    // One going to disk is written as JSON: its values held once would be copies again when read back.
    if (this.kept.holdsNext(invalid)) {
      this.interner.all(record.values);
      this.interner.all(record.source, '\u0000');
    }
    this.kept.push(record, invalid);
  }

  /** Removes what the key indexes wrote to disk: once the batch is settled and reported. */
  closeIndexes(): void {
    for (const index of this.indexes.values()) index.close();
    this.spill?.close();
  }

  /**
   * Records an issue; once --max-errors is reached, nothing more is recorded. `band`: EARLY for a
   * finding about a file or its header, whenever it is made (see IssueLog).
   */
  emit(issue: Issue, file?: OpenFile, fatal = false, band = LATE): void {
    if (this.stopped) return;
    this.issues.add(issue, band);
    if (file) file.summary[issue.severity === 'error' ? 'errors' : 'warnings']++;
    if (file && issue.severity === 'error' && (fatal || FILE_LEVEL.has(issue.code))) this.broken.add(file.index);
    if (issue.severity === 'error' && ++this.errors >= this.maxErrors) this.stopped = true;
  }

  /** The index of an entity's key field, made on first use, sized for the records the entity's files hold. */
  indexFor(entity: Entity, field: string): KeyIndex {
    const key = `${entity}.${field}`;
    let index = this.indexes.get(key);
    if (!index) {
      const expected = this.files.reduce((n, f) => n + (f.summary.entity === entity ? f.estimatedRows : 0), 0);
      const spill = () => (this.spill ??= new SpillFolder(this.options.log?.tmp));
      this.indexes.set(key, (index = new KeyIndex(field, expected, { spill, ...(this.options.indexPage ? { pageSize: this.options.indexPage } : {}) })));
    }
    return index;
  }

  /** In the batch, or else among the target's known records. */
  exists(ref: Reference, value: string): boolean {
    return this.existsIn(this.indexes.get(`${ref.entity}.${ref.field}`), ref, value);
  }

  /** exists(), with the batch's index for the reference already looked up (the row loop holds it per file). */
  existsIn(index: KeyIndex | undefined, ref: Reference, value: string): boolean {
    return index?.has(value) === true || this.known?.has(ref.entity, ref.field, value) === true;
  }

  /** "companyId "C9" does not exist (not in companies.csv, nor on accessplanit "lms")". */
  referenceIssue(record: { file: string; line: number; entity: Entity }, field: string, value: string, ref: Reference): Issue {
    const inBatch = this.files.filter((f) => f.summary.entity === ref.entity).map((f) => basename(f.summary.file));
    const onTarget = this.known && this.known.has(ref.entity, ref.field, value) !== undefined ? this.known.label : undefined;
    const where = [inBatch.length ? `not in ${inBatch.join(', ')}` : '', onTarget ? `${inBatch.length ? 'nor' : 'not'} on ${onTarget}` : ''].filter(Boolean).join(', ');
    const severity = ref.severity ?? 'error';
    return {
      file: record.file, line: record.line, entity: record.entity, field, value, code: 'unknown_reference', severity,
      message: `${field} ${quote(value)} does not exist (${where})`,
      hint: severity === 'warning' ? `the platform rejects it unless such a ${SINGULAR[ref.entity]} already exists there` : null,
    };
  }
}
