import { MAX_RECORD_BYTES } from './csv.js';

/** A syntax error in a JSON document, at a character offset from its start. */
export class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
    /** Where the offset is, when the scanner has read on past it. */
    readonly at?: { line: number; column: number },
  ) {
    super(message);
  }
}

/** Turns JSON.parse's message into a plain reason and an offset, on every Node version. */
export function parseFailure(error: unknown, base: number, length: number): JsonSyntax {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  const offset = at ? base + Number(at[1]) : base + length;
  const reason = message
    .replace(/,? "[^"]*"(\.\.\.)? is not valid JSON/, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/^Unexpected end of JSON input$/, 'unexpected end of input')
    .trim();
  return new JsonSyntax(offset, reason || 'invalid JSON');
}

/** Where the scanner is in the document's top-level structure. */
type Mode =
  | 'start' // before the document
  | 'array-first' // after "[": "]" or a record
  | 'array-next' // after ",": a record
  | 'array-after' // after a record: "," or "]"
  | 'object-key' // after "{" or ",": "}" or a property name
  | 'object-colon' // after a property name: ":"
  | 'object-value' // after ":": the array of records, or another value
  | 'object-after' // after a value: "," or "}"
  | 'end' // after the document: only white space
  | 'value'; // inside a value: a record, a property name, or another property's value

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** A value longer than this is kept aside as it is read, not carried into the next piece of text. */
const CARRY_LIMIT = 64 * 1024;

/**
 * Finds the records of a JSON document as its text streams past, a chunk at a time: the elements of a
 * top-level array, or of the one array property of a top-level object ({"users": [...]}). Each record's
 * text is handed on with the line it starts on, the moment its end is read; nothing else of the document
 * is kept but the record being read. The structure around the records is checked as it goes (the other
 * properties of the object are parsed, and dropped), and every fault is a JsonSyntax at its offset:
 * `position(offset)` says where that is. A record longer than MAX_RECORD_BYTES is read to its end but
 * not kept: `onTooLarge` is told its line.
 */
export class DocumentScanner {
  /** The text not yet consumed: from the start of the value being read (or the scan position) on. */
  private buf = '';
  /** A long value's text before buf (it is not carried from piece to piece: see feed). */
  private parts: string[] = [];
  /** Offset in the document of buf[0]. */
  private base = 0;
  /** Scan position in buf. */
  private i = 0;
  private mode: Mode = 'start';
  /** The array being read is the one array of a top-level object (not the document itself). */
  private inObject = false;
  private arrayKey: string | undefined;
  private key = '';
  private keyStart = 0;
  private keyAt = { line: 1, column: 1 };
  // The value being read: what it is, where it starts, and the scan's state within it.
  private kind: 'record' | 'key' | 'member' = 'record';
  private start = 0;
  private startLine = 1;
  private startLineStart = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;
  /** A record past MAX_RECORD_BYTES: read to its end, its text dropped. */
  private skipping = false;
  // The line count, valid at offset `counted`: CRLF, LF and a lone CR each end one line.
  private line = 1;
  private lineStart = 0;
  private counted = 0;
  private lastWasCR = false;
  // The next LF, CR, quote and backslash at or after a position in buf (-1: none left; -2: not looked up).
  private nextLf = -2;
  private nextCr = -2;
  private nextQuote = -2;
  private nextBackslash = -2;

  constructor(
    /** A record's text, its line and offset — and its value, when the scanner parsed it to find its end. */
    private readonly onRecord: (text: string, line: number, start: number, value?: unknown) => void,
    private readonly onTooLarge: (line: number) => void,
  ) {}

  /** Reads the next piece of the document (UTF-8, never splitting a character). */
  feed(chunk: Buffer): void {
    // What was read is done with (counted), but for the value being read (unless it is skipped): that is
    // carried into the next piece — decoded with it, so the text scanned is one flat string, never a
    // concatenation V8 searches slowly — or, when long, kept aside in parts, so it is not carried again.
    let carry = '';
    if (this.mode === 'value' && !this.skipping) {
      carry = this.buf.slice(Math.max(0, this.start - this.base));
      if (carry.length > CARRY_LIMIT) {
        this.parts.push(carry);
        carry = '';
      }
    }
    const base = this.base + this.buf.length - carry.length;
    this.countTo(base);
    this.buf = carry ? Buffer.concat([Buffer.from(carry, 'utf8'), chunk]).toString('utf8') : chunk.toString('utf8');
    this.i = carry.length;
    this.base = base;
    this.nextLf = this.nextCr = this.nextQuote = this.nextBackslash = -2;
    this.run(false);
  }

  /** The document has ended: what is still open is an error. */
  end(): void {
    this.run(true);
  }

  /** Line and column (1-based) of a fault: its own, or where its offset is in the text not yet let go. */
  position(fault: JsonSyntax | TooLargeValue): { line: number; column: number } {
    if (fault instanceof JsonSyntax && fault.at) return fault.at;
    if (fault.offset === 0) return { line: 1, column: 1 };
    this.countTo(fault.offset);
    return { line: this.line, column: fault.offset - this.lineStart + 1 };
  }

  /** Line and column of an offset in the text of the value just read, counted from where it starts. */
  private within(text: string, offset: number): { line: number; column: number } {
    let line = this.startLine;
    let lineStart = this.startLineStart;
    const end = Math.min(offset - this.start, text.length);
    for (let i = 0; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = this.start + i + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  }

  /** Moves the line count to `offset` (at or after `counted`, within buf). */
  private countTo(offset: number): void {
    const buf = this.buf;
    let from = this.counted - this.base;
    const to = Math.min(offset - this.base, buf.length);
    if (from >= to) return;
    if (this.lastWasCR && buf.charCodeAt(from) === 10) {
      this.lineStart = this.base + from + 1;
      from++;
    }
    this.lastWasCR = false;
    if (this.nextCr !== -1 && this.nextCr < from) this.nextCr = buf.indexOf('\r', from);
    if (this.nextCr === -1 || this.nextCr >= to) {
      // No CR here (the usual case): count LFs, each found once.
      for (;;) {
        if (this.nextLf !== -1 && this.nextLf < from) this.nextLf = buf.indexOf('\n', from);
        if (this.nextLf === -1 || this.nextLf >= to) break;
        this.line++;
        from = this.nextLf + 1;
        this.lineStart = this.base + from;
      }
    } else {
      for (let i = from; i < to; i++) {
        const c = buf.charCodeAt(i);
        if (c === 10) {
          if (!this.lastWasCR) this.line++;
          this.lineStart = this.base + i + 1;
          this.lastWasCR = false;
        } else if (c === 13) {
          this.line++;
          this.lineStart = this.base + i + 1;
          this.lastWasCR = true;
        } else this.lastWasCR = false;
      }
    }
    this.counted = this.base + to;
  }

  private fail(message: string): never {
    throw new JsonSyntax(this.base + this.i, message);
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.mode === 'value') {
        if (!this.scanValue(final)) return;
        this.valueRead();
        continue;
      }
      const buf = this.buf;
      while (this.i < buf.length && isSpace(buf.charCodeAt(this.i))) this.i++;
      if (this.i >= buf.length && !final) return;
      const ch = buf[this.i]; // undefined: the end of the document
      switch (this.mode) {
        case 'start':
          if (ch === '[') {
            this.i++;
            this.mode = 'array-first';
          } else if (ch === '{') {
            this.i++;
            this.mode = 'object-key';
          } else if (ch === undefined) return; // an empty file holds no records
          else this.fail('expected an array of records or an object holding one');
          break;
        case 'array-first':
          if (ch === ']') {
            this.i++;
            this.mode = this.inObject ? 'object-after' : 'end';
          } else this.startValue('record');
          break;
        case 'array-next':
          this.startValue('record');
          break;
        case 'array-after':
          if (ch === ',') {
            this.i++;
            this.mode = 'array-next';
          } else if (ch === ']') {
            this.i++;
            this.mode = this.inObject ? 'object-after' : 'end';
          } else this.fail(ch === undefined ? 'unexpected end of input' : `expected "," or "]" but found "${ch}"`);
          break;
        case 'object-key':
          if (ch === '}') {
            this.i++;
            this.closeObject();
          } else if (ch === '"') this.startValue('key');
          else this.fail(`expected a property name but found "${ch ?? 'end of input'}"`);
          break;
        case 'object-colon':
          if (ch !== ':') this.fail(`expected ":" after "${this.key}"`);
          this.i++;
          this.mode = 'object-value';
          break;
        case 'object-value':
          if (ch === '[') {
            if (this.arrayKey !== undefined)
              throw new JsonSyntax(this.keyStart, `the top-level object has more than one array ("${this.arrayKey}" and "${this.key}"); expected one array of records`, this.keyAt);
            this.arrayKey = this.key;
            this.inObject = true;
            this.i++;
            this.mode = 'array-first';
          } else this.startValue('member');
          break;
        case 'object-after':
          if (ch === ',') {
            this.i++;
            this.mode = 'object-key';
          } else if (ch === '}') {
            this.i++;
            this.closeObject();
          } else this.fail(ch === undefined ? 'unexpected end of input' : `expected "," or "}" but found "${ch}"`);
          break;
        case 'end':
          if (ch === undefined) return;
          this.fail('unexpected text after the end of the document');
      }
    }
  }

  private closeObject(): void {
    if (this.arrayKey === undefined) throw new JsonSyntax(0, 'the top-level object has no array of records (expected e.g. {"users": [ … ]})');
    this.mode = 'end';
  }

  /** A value starts at the scan position (white space skipped): a string, an array or object, or a scalar. */
  private startValue(kind: 'record' | 'key' | 'member'): void {
    const ch = this.buf[this.i];
    if (ch === undefined) this.fail('unexpected end of input');
    if (ch === ',' || ch === ']' || ch === '}') this.fail(`unexpected "${ch}"`);
    this.kind = kind;
    this.start = this.base + this.i;
    this.countTo(this.start);
    this.startLine = this.line;
    this.startLineStart = this.lineStart;
    this.mode = 'value';
    this.scalar = false;
    this.inString = false;
    this.escaped = false;
    this.depth = 0;
    if (ch === '"') {
      this.inString = true;
      this.i++;
    } else if (ch === '{' && kind === 'record' && this.flatRecord()) {
      return;
    } else if (ch === '[' || ch === '{') {
      this.depth = 1;
      this.i++;
    } else this.scalar = true;
  }

  /**
   * The usual record, an object with no object inside it, read at once: its end is the first "}" after
   * it starts, when the text up to there parses (a JSON value that parses is whole, so it ends there).
   * Then it is handed on parsed, the scan position after it; otherwise it is scanned as any value.
   */
  private flatRecord(): boolean {
    const buf = this.buf;
    const from = this.i;
    const close = buf.indexOf('}', from + 1);
    if (close === -1 || close - from > MAX_RECORD_BYTES) return false;
    const open = buf.indexOf('{', from + 1);
    if (open !== -1 && open < close) return false;
    const text = buf.slice(from, close + 1);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false; // a "}" in a string, or not JSON at all: the scan finds its end, and the fault
    }
    this.i = close + 1;
    this.mode = 'array-after';
    this.record(text, value);
    return true;
  }

  /**
   * Reads on to the end of the value: true when it ends in buf (the scan position just after it),
   * false when more text is needed. Strings are crossed by searching for their quotes, not a
   * character at a time.
   */
  private scanValue(final: boolean): boolean {
    const buf = this.buf;
    const n = buf.length;
    let i = this.i;
    if (this.scalar) {
      while (i < n) {
        const c = buf.charCodeAt(i);
        if (c === 44 || c === 93 || c === 125 || isSpace(c)) break;
        i++;
      }
      this.i = i;
      if (i < n || final) return true;
      this.checkSize();
      return false;
    }
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        if (this.nextQuote !== -1 && this.nextQuote < i) this.nextQuote = buf.indexOf('"', i);
        if (this.nextBackslash !== -1 && this.nextBackslash < i) this.nextBackslash = buf.indexOf('\\', i);
        const quote = this.nextQuote;
        const backslash = this.nextBackslash;
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          i = backslash + 2;
          if (i > n) {
            i = n;
            this.escaped = true; // the escaped character is the first of the next piece
          }
          continue;
        }
        if (quote === -1) {
          i = n;
          break;
        }
        i = quote + 1;
        this.inString = false;
        if (this.depth === 0) {
          this.i = i;
          return true;
        }
        continue;
      }
      const c = buf.charCodeAt(i++);
      if (c === 34) this.inString = true;
      else if (c === 91 || c === 123) this.depth++;
      else if ((c === 93 || c === 125) && --this.depth === 0) {
        this.i = i;
        return true;
      }
    }
    this.i = i;
    if (final) throw new JsonSyntax(this.base + n, this.inString ? 'unterminated string' : 'unexpected end of input');
    this.checkSize();
    return false;
  }

  /** A value that grows past MAX_RECORD_BYTES: a record is skipped to its end; anything else ends the read. */
  private checkSize(): void {
    if (this.skipping || this.base + this.buf.length - this.start <= MAX_RECORD_BYTES) return;
    if (this.kind !== 'record') throw new TooLargeValue(this.start, this.startLine);
    this.skipping = true;
    this.parts = [];
  }

  private valueRead(): void {
    let text = '';
    if (!this.skipping) {
      text = this.buf.slice(Math.max(0, this.start - this.base), this.i);
      if (this.parts.length) {
        text = this.parts.join('') + text;
        this.parts = [];
      }
    }
    if (this.kind === 'record') {
      this.mode = 'array-after';
      if (this.skipping) {
        this.skipping = false;
        this.onTooLarge(this.startLine);
      } else this.record(text);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const failure = parseFailure(error, this.start, text.length);
      throw new JsonSyntax(failure.offset, failure.message, this.within(text, failure.offset));
    }
    if (this.kind === 'key') {
      this.key = value as string;
      this.keyStart = this.start;
      this.keyAt = { line: this.startLine, column: this.start - this.startLineStart + 1 };
      this.mode = 'object-colon';
    } else this.mode = 'object-after';
  }

  /** Hands a record on; a fault in its text (thrown as a JsonSyntax) is placed by the record's own lines. */
  private record(text: string, value?: unknown): void {
    try {
      this.onRecord(text, this.startLine, this.start, value);
    } catch (error) {
      if (error instanceof JsonSyntax && !error.at) throw new JsonSyntax(error.offset, error.message, this.within(text, error.offset));
      throw error;
    }
  }
}

/** A property name or value of the top-level object longer than MAX_RECORD_BYTES, at an offset. */
export class TooLargeValue extends Error {
  constructor(
    readonly offset: number,
    readonly line: number,
  ) {
    super(`a value of the top-level object is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`);
  }
}
