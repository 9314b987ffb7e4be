import { stringify } from 'csv-stringify/sync';
import { neutralise } from './formula.js';

/**
 * How a CSV file is written: what the reader of an input records (csv.ts), so that the files handed
 * back to its author (an annotated copy, the failed rows) open in their spreadsheet as the input did.
 */
export interface CsvDialect {
  /** A WHATWG encoding name: utf-8, windows-1252, utf-16le … */
  encoding: string;
  /** A byte-order mark first (Excel reads UTF-8 as UTF-8 only with one). */
  bom: boolean;
  delimiter: string;
  eol: '\r\n' | '\n' | '\r';
  quote: '"';
  /** A cell a spreadsheet could run as a formula gets a leading ' (formula.ts). */
  formulaGuard: boolean;
}

/** hrsync's own CSV: UTF-8 without a BOM, commas, LF; cells a spreadsheet could run guarded. */
export const STANDARD_DIALECT: CsvDialect = { encoding: 'utf-8', bom: false, delimiter: ',', eol: '\n', quote: '"', formulaGuard: true };

/**
 * The rows of an input with no CSV dialect of its own (a workbook, JSON) handed back as CSV — the
 * failed rows of a run, the report's download: hrsync's own, with a BOM, so that Excel opening it by a
 * double-click reads its accents right (without one: Ã¤ for ä).
 */
export const HANDED_BACK_DIALECT: CsvDialect = { ...STANDARD_DIALECT, bom: true };

/**
 * --csv-dialect: `excel`, what Excel opens by a double-click in one column per field whatever the
 * file holds — UTF-8 with a BOM (without one Excel reads ANSI: mojibake), `;` (the list separator
 * of most European locales, German among them; give --delimiter , for an English-locale Excel),
 * CRLF; `machine`, for a program: UTF-8, commas, LF and no formula guard (the value exactly as held).
 */
export const CSV_DIALECTS = {
  standard: STANDARD_DIALECT,
  excel: { encoding: 'utf-8', bom: true, delimiter: ';', eol: '\r\n', quote: '"', formulaGuard: true },
  machine: { encoding: 'utf-8', bom: false, delimiter: ',', eol: '\n', quote: '"', formulaGuard: false },
} as const satisfies Record<string, CsvDialect>;

export type CsvDialectName = keyof typeof CSV_DIALECTS;

/** Rows as CSV text in a dialect: quoted where a cell holds the delimiter, a quote or any line break; guarded when the dialect says so. */
export function csvText(rows: readonly (readonly string[])[], dialect: CsvDialect): string {
  const cells = dialect.formulaGuard ? rows.map((row) => row.map(neutralise)) : (rows as string[][]);
  return stringify(cells, { delimiter: dialect.delimiter, record_delimiter: dialect.eol, quote: dialect.quote, quoted_match: /[\r\n]/ });
}

/** Single-byte encodings hrsync writes as well as reads (the WHATWG ones: each byte one character). */
const SINGLE_BYTE = /^(?:windows-125\d|windows-874|iso-8859-\d+|ibm866|koi8-[ru]|macintosh|x-mac-cyrillic)$/;
const tables = new Map<string, Map<number, number>>();

/** Character → byte of a single-byte encoding, read off its decoder. */
function byteTable(encoding: string): Map<number, number> {
  let table = tables.get(encoding);
  if (!table) {
    table = new Map();
    for (let byte = 255; byte >= 0; byte--) {
      // { stream: true }: Node 20's one-shot decode reads windows-1252 as latin1 (0x80 as U+0080, not €).
      const char = new TextDecoder(encoding).decode(Uint8Array.of(byte), { stream: true });
      if (char !== '\uFFFD' && char.length === 1) table.set(char.charCodeAt(0), byte);
    }
    tables.set(encoding, table);
  }
  return table;
}

/** Text in an encoding; undefined when a character has no byte in it (or hrsync cannot write the encoding). */
function encodeIn(text: string, encoding: string): Buffer | undefined {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const bytes = Buffer.from(text, 'utf16le');
    return encoding === 'utf-16be' ? bytes.swap16() : bytes;
  }
  if (!SINGLE_BYTE.test(encoding)) return undefined;
  const table = byteTable(encoding);
  const bytes = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const byte = table.get(text.charCodeAt(i));
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}

/** hrsync's own symbols, and what they are written as where an encoding has no byte for them. */
const PLAIN: Record<string, string> = { '→': '->', '≥': '>=', '≤': '<=', '≠': '!=', '…': '...', '—': '-', '–': '-', '⏎': ' ', '’': "'", '“': '"', '”': '"', '×': 'x' };

/**
 * hrsync's own words (a note beside a row, never a value of the input) made to fit an encoding: its
 * symbols spelt plainly where the encoding cannot hold them (→ as ->), so that a note alone never
 * turns a Windows-1252 file into UTF-8.
 */
export function fitWords(text: string, encoding: string): string {
  if (encoding === 'utf-8' || encoding.startsWith('utf-16') || /^[\x00-\x7f]*$/.test(text)) return text;
  return text.replace(/[→≥≤≠…—–⏎’“”×]/g, (char) => (encodeIn(char, encoding) ? char : PLAIN[char]!));
}

const BOM: Record<string, number[]> = { 'utf-8': [0xef, 0xbb, 0xbf], 'utf-16le': [0xff, 0xfe], 'utf-16be': [0xfe, 0xff] };

/** hrsync can write text in this encoding (all but a few multi-byte ones: Shift_JIS, GBK, Big5 …). */
function writable(encoding: string): boolean {
  return encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be' || SINGLE_BYTE.test(encoding);
}

/** The first character of a text that an encoding cannot hold. */
function firstUnwritable(text: string, encoding: string): string {
  for (const char of text) if (!encodeIn(char, encoding)) return char;
  return '';
}

/**
 * CSV text as the bytes of its dialect. A character the dialect's encoding has no byte for (a Cyrillic
 * name in a Windows-1252 file) is never dropped or replaced: the whole file is written as UTF-8 with a
 * BOM instead — which Excel and LibreOffice open as UTF-8 — and `fallback` says why.
 */
export function encodeCsv(text: string, dialect: CsvDialect): { bytes: Buffer; encoding: string; fallback?: string } {
  const bytes = encodeIn(text, dialect.encoding);
  if (bytes) return { bytes: dialect.bom && BOM[dialect.encoding] ? Buffer.concat([Buffer.from(BOM[dialect.encoding]!), bytes]) : bytes, encoding: dialect.encoding };
  const char = writable(dialect.encoding) ? firstUnwritable(text, dialect.encoding) : '';
  const why = char ? `"${char}" (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) has no ${dialect.encoding} byte` : `hrsync does not write ${dialect.encoding}`;
  return { bytes: Buffer.concat([Buffer.from(BOM['utf-8']!), Buffer.from(text, 'utf8')]), encoding: 'utf-8', fallback: `written as UTF-8 with a BOM, not ${dialect.encoding} like its input: ${why}` };
}
