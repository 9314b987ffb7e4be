import type { RawValue } from '../core/model/canonical.js';
import type { CsvDialect } from './dialect.js';

/** One record as read: where it starts (file, physical line) and its values keyed by source column. */
export interface RawRecord {
  file: string;
  /** Physical line where the record starts; the header is line 1. */
  line: number;
  values: Record<string, RawValue>;
  /** CSV only: the number of cells when it differs from the header's (a ragged row). */
  cellCount?: number;
  /** CSV only: the row's cells as read, and which cell each (kept) column is; `values` is built from them on demand. */
  cells?: readonly string[];
  columnIndex?: ReadonlyMap<string, number>;
  /** CSV only: the text the record was read from holds no control character. */
  clean?: boolean;
}

/** A problem found while reading, tied to a place in the file. Reading problems are always errors. */
export interface ReadProblem {
  file: string;
  line: number;
  column?: number;
  code: ReadProblemCode;
  message: string;
  /** Advice, e.g. which flag to pass. */
  hint?: string;
  /** The offending value (a header name, a cell) when there is one. */
  value?: string;
  /** true when the rest of the file could not be read after this problem. */
  fatal: boolean;
  /** A warning, carried by its record's event: the record is read all the same (a JSON key written twice). */
  warning?: true;
}

export type ReadProblemCode =
  | 'encoding'
  | 'unterminated_quote'
  | 'malformed_csv'
  | 'empty_header'
  | 'duplicate_header'
  | 'ragged_row'
  | 'invalid_json'
  | 'not_an_object'
  | 'no_records'
  | 'too_large'
  | 'too_deep'
  | 'inexact_number'
  | 'duplicate_key'
  | 'excel_error'
  | 'skipped_rows';

export type FileFormat = 'csv' | 'json' | 'ndjson' | 'xlsx';

export interface ReadOptions {
  /** A WHATWG encoding label (utf-8, utf-16le, windows-1252, latin1 …); default: UTF-8 with BOM detection. */
  encoding?: string;
  /** CSV delimiter; default: detected among , ; TAB | */
  delimiter?: string;
  /**
   * CSV: 'scanner' (the default) reads with the fast scanner and hands whatever it cannot read exactly
   * to csv-parse; 'csv-parse' reads with csv-parse alone. Default: HRSYNC_CSV_PARSER, else 'scanner'.
   */
  csvParser?: 'scanner' | 'csv-parse';
  /** Override the format normally chosen from the file's extension. */
  format?: FileFormat;
  /** Relative paths are read from here (default: the process's working folder); messages keep them as given. */
  cwd?: string;
  /** A workbook's sheet to read (default: the first). */
  sheet?: string;
  /** Told the size of each chunk read from disk (progress: bytes read of the files' sizes). */
  onRead?: (bytes: number) => void;
  /**
   * Standard input, read (once, as a stream) for the file named `<stdin>` (STDIN_NAME); its format is
   * `format`, else sniffed from its first line.
   */
  stdin?: AsyncIterable<Buffer>;
}

/**
 * What a reader yields (a CSV file's header also says how the file is written: its `dialect`): first the header (columns in file order), then records and problems in file
 * order. A JSON document's header lists the keys of its first records (`partial`: it is read on before
 * the rest is known); a record with a key first seen after that names it in `newColumns`.
 */
export type ReadEvent =
  /** `row`: the header's row or line (a CSV's or a workbook's, below a title); a workbook's `sheet`, the sheet read, and `letters`, each column's letter (C) in the order of `columns`. */
  | { kind: 'header'; file: string; format: FileFormat; columns: string[]; delimiter?: string; encoding: string; bytesPerRecord?: number; partial?: boolean; sheet?: string; row?: number; letters?: string[]; dialect?: CsvDialect }
  | { kind: 'record'; record: RawRecord; newColumns?: string[]; warning?: ReadProblem }
  | { kind: 'problem'; problem: ReadProblem };
