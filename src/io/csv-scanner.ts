import { CONTROL_OR_INVISIBLE } from '../shared/control-characters.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** An unfinished record longer than this is left to csv-parse, which reads it once, not once per chunk. */
const MAX_PENDING = 1 << 20;

/**
 * The fast path of the CSV reader: a scanner over decoded text for the dialect nearly every file is
 * written in — one delimiter character, `"` quotes with `""` inside them, lines ending all in LF or all
 * in CRLF. Each chunk is decoded once; delimiters, quotes and line ends are found with `indexOf` (each
 * searched for once over the text, its next position remembered) and cells are sliced out of the text.
 * Line breaks are counted only inside quoted cells, so every record knows the physical line it starts
 * on, as a spreadsheet numbers it. Each piece of text is searched once for control characters, and its
 * rows are passed on as clean when it holds none (the validator then need not test their values).
 *
 * It reads exactly what csv-parse reads (`relax_quotes`, `relax_column_count`, `skip_empty_lines`, the
 * record delimiter found from the first line break) — or it gives up: on anything else (a quote that is
 * never closed, text after a closing quote, a lone CR, a line end other than the file's first one, a
 * record longer than 1 MB) it stops at the start of that record, and the reader hands the rest of the
 * text to csv-parse, the reference parser, so that every error code, message and line stays as it was.
 */
export class CsvScanner {
  private readonly delimiter: string;
  private pending = '';
  /** The record delimiter, from the first line break outside quotes. */
  eol: '\n' | '\r\n' | undefined;
  /** The physical line where the next record (or blank line) starts. */
  line = 1;
  /** Once given up: the text from the start of the record that could not be read. */
  rest: string | undefined;

  constructor(delimiter: string) {
    if (!CsvScanner.handles(delimiter)) throw new Error(`the scanner cannot read a "${delimiter}" delimiter`);
    this.delimiter = delimiter;
  }

  /** Whether a delimiter is one the scanner reads: one character, not a quote or a line end. */
  static handles(delimiter: string): boolean {
    return delimiter.length === 1 && delimiter !== '"' && delimiter !== '\r' && delimiter !== '\n';
  }

  /**
   * Scans the next piece of text (`final`: the last), calling `row` with each record's cells and the
   * line it starts on. Returns false once the scanner has given up (then `rest` holds what is unread).
   * One function past the 80-line rule, on purpose: the hot loop of validation, measured by bench/validate.ts
   * (`npm run bench`), whose positions and next delimiter and line ends stay locals from cell to cell.
   */
  scan(chunk: string, final: boolean, row: (cells: string[], line: number, clean: boolean) => void): boolean {
    if (this.rest !== undefined) throw new Error('the scanner has given up');
    const text = this.pending ? this.pending + chunk : chunk;
    this.pending = '';
    // One native scan of the text read now spares the validator a test of every value in it.
    const clean = !CONTROL_OR_INVISIBLE.test(text);
    const n = text.length;
    const delimiter = this.delimiter;
    const delimiterCode = delimiter.charCodeAt(0);
    let nextDelimiter = -2;
    let nextLf = -2;
    let nextCr = -2;
    let pos = 0;
    let line = this.line;
    let eol = this.eol;
    let start = 0; // where the record being read starts; past the last one read, everything is read
    // Each pass reads one record (or one blank line); `break records` leaves the rest for later.
    records: while (pos < n) {
      start = pos;
      const first = text.charCodeAt(pos);
      if (first === LF || first === CR) {
        // A blank line: skipped, as csv-parse's skip_empty_lines does, and counted.
        if (first === LF) {
          if (eol === '\r\n') return this.giveUp(text, start, line, eol);
          eol = '\n';
          pos++;
        } else {
          if (pos + 1 >= n) {
            if (final) return this.giveUp(text, start, line, eol);
            break;
          }
          if (text.charCodeAt(pos + 1) !== LF || eol === '\n') return this.giveUp(text, start, line, eol);
          eol = '\r\n';
          pos += 2;
        }
        line++;
        start = pos;
        continue;
      }
      const cells: string[] = [];
      let breaks = 0; // line breaks inside quoted cells
      for (;;) {
        if (pos < n && text.charCodeAt(pos) === QUOTE) {
          let close = text.indexOf('"', pos + 1);
          let doubled = false;
          for (;;) {
            if (close === -1 || close + 1 >= n) {
              // The closing quote is not here yet (or a second quote may follow in the next chunk).
              if (!final || close === -1) {
                if (final) return this.giveUp(text, start, line, eol);
                break records;
              }
              break;
            }
            if (text.charCodeAt(close + 1) !== QUOTE) break;
            doubled = true;
            close = text.indexOf('"', close + 2);
          }
          const inner = text.slice(pos + 1, close);
          breaks += lineBreaks(inner);
          cells.push(doubled ? inner.replaceAll('""', '"') : inner);
          pos = close + 1;
          if (pos >= n) {
            if (!final) break records;
            break;
          }
          const after = text.charCodeAt(pos);
          if (after === delimiterCode) {
            pos++;
            if (pos >= n) {
              if (!final) break records;
              cells.push('');
              break;
            }
            continue;
          }
          if (after === LF) {
            if (eol === '\r\n') return this.giveUp(text, start, line, eol);
            eol = '\n';
            pos++;
            break;
          }
          if (after === CR) {
            if (pos + 1 >= n) {
              if (final) return this.giveUp(text, start, line, eol);
              break records;
            }
            if (text.charCodeAt(pos + 1) !== LF || eol === '\n') return this.giveUp(text, start, line, eol);
            eol = '\r\n';
            pos += 2;
            break;
          }
          // Text right after a closing quote: csv-parse's relaxed reading of it is its own.
          return this.giveUp(text, start, line, eol);
        }
        // An unquoted cell (a quote inside it is text): up to the next delimiter or line end.
        if (nextDelimiter !== -1 && nextDelimiter < pos) nextDelimiter = text.indexOf(delimiter, pos);
        if (nextLf !== -1 && nextLf < pos) nextLf = text.indexOf('\n', pos);
        if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
        const lf = nextLf === -1 ? n : nextLf;
        const cr = nextCr === -1 ? n : nextCr;
        if (nextDelimiter !== -1 && nextDelimiter < lf) {
          if (cr < nextDelimiter) return this.giveUp(text, start, line, eol);
          cells.push(text.slice(pos, nextDelimiter));
          pos = nextDelimiter + 1;
          if (pos >= n) {
            if (!final) break records;
            cells.push('');
            break;
          }
          continue;
        }
        if (lf === n && !final) break records;
        let end = lf;
        if (cr < lf) {
          if (lf === n || cr !== lf - 1 || eol === '\n') return this.giveUp(text, start, line, eol);
          eol = '\r\n';
          end = cr;
        } else if (lf < n) {
          if (eol === '\r\n') return this.giveUp(text, start, line, eol);
          eol = '\n';
        }
        cells.push(text.slice(pos, end));
        pos = lf < n ? lf + 1 : n;
        break;
      }
      row(cells, line, clean);
      line += 1 + breaks;
      start = pos;
    }
    this.line = line;
    this.eol = eol;
    if (start < n) {
      this.pending = text.slice(start);
      if (this.pending.length > MAX_PENDING) return this.giveUp(text, start, line, eol);
    }
    return true;
  }

  private giveUp(text: string, start: number, line: number, eol: CsvScanner['eol']): false {
    this.rest = text.slice(start);
    this.pending = '';
    this.line = line;
    this.eol = eol;
    return false;
  }
}

/** Line breaks in a quoted cell, counted as the line numbers count them: CRLF, LF and a lone CR each one. */
function lineBreaks(text: string): number {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return 0;
  let count = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === LF) count++;
    else if (c === CR) {
      count++;
      if (text.charCodeAt(k + 1) === LF) k++;
    }
  }
  return count;
}
