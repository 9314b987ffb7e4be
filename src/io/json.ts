import { sourceOf } from './paths.js';
import { EncodingFault, openDecoded } from './decode.js';
import { encodingProblem } from './problems.js';
import type { RawValue } from '../core/model/canonical.js';
import { MAX_RECORD_BYTES } from './csv.js';
import type { RawRecord, ReadEvent, ReadOptions, ReadProblem } from './types.js';

/** The largest JSON document read whole; NDJSON streams, so a larger file belongs in NDJSON. */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
/** Objects nested deeper than this are an error on their line, not a stack overflow. */
const MAX_DEPTH = 32;

/** Reads a whole decoded file as text (JSON documents are parsed whole; NDJSON and CSV stream). */
async function readText(file: string, options: ReadOptions): Promise<{ text: string; encoding: string } | ReadProblem> {
  const decoded = await openDecoded(sourceOf(file, options), options.encoding, options.onRead);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decoded.chunks) {
      size += chunk.length;
      if (size > MAX_DOCUMENT_BYTES)
        return { file, line: 1, code: 'too_large', message: `the JSON document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB, which hrsync reads whole`, hint: 'write one record per line instead (NDJSON, .ndjson), which is read as a stream', fatal: true };
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof EncodingFault) return encodingProblem(file, await decoded.lineOf(error.byteOffset), error.encoding);
    throw error;
  }
  return { text: Buffer.concat(parts).toString('utf8'), encoding: decoded.encoding };
}

/** Line and column (1-based) of a character offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Turns JSON.parse's message into a plain reason and an offset, on every Node version. */
function parseFailure(error: unknown, base: number, length: number): JsonSyntax {
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

const WS = new Set([32, 9, 10, 13]);

/**
 * Finds the records of a JSON document: the elements of a top-level array, or of the one array
 * property of a top-level object ({"users": [...]}). Yields each element's text and offset, so every
 * record knows the line it starts on; the elements themselves are parsed with JSON.parse.
 */
function* elements(text: string): Generator<{ start: number; end: number }> {
  let i = 0;
  const ws = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return;
      } else i++;
    }
    throw new JsonSyntax(text.length, 'unterminated string');
  };
  const skipValue = () => {
    const first = text[i];
    if (first === undefined) throw new JsonSyntax(i, 'unexpected end of input');
    if (first === '"') return skipString();
    if (first === '[' || first === '{') {
      let depth = 0;
      while (i < text.length) {
        const c = text[i];
        if (c === '"') {
          skipString();
          continue;
        }
        if (c === '[' || c === '{') depth++;
        else if ((c === ']' || c === '}') && --depth === 0) {
          i++;
          return;
        }
        i++;
      }
      throw new JsonSyntax(text.length, 'unexpected end of input');
    }
    const start = i;
    while (i < text.length && !',]}'.includes(text[i]!) && !WS.has(text.charCodeAt(i))) i++;
    if (i === start) throw new JsonSyntax(i, `unexpected "${first}"`);
  };
  const arrayElements = function* (): Generator<{ start: number; end: number }> {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      const start = i;
      skipValue();
      yield { start, end: i };
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      throw new JsonSyntax(i, i >= text.length ? 'unexpected end of input' : `expected "," or "]" but found "${text[i]}"`);
    }
  };

  ws();
  if (text[i] === '[') {
    yield* arrayElements();
  } else if (text[i] === '{') {
    i++;
    let arrayKey: string | undefined;
    for (;;) {
      ws();
      if (text[i] === '}') {
        i++;
        break;
      }
      if (text[i] !== '"') throw new JsonSyntax(i, `expected a property name but found "${text[i] ?? 'end of input'}"`);
      const keyStart = i;
      skipString();
      const key = JSON.parse(text.slice(keyStart, i)) as string;
      ws();
      if (text[i] !== ':') throw new JsonSyntax(i, `expected ":" after "${key}"`);
      i++;
      ws();
      if (text[i] === '[') {
        if (arrayKey !== undefined)
          throw new JsonSyntax(keyStart, `the top-level object has more than one array ("${arrayKey}" and "${key}"); expected one array of records`);
        arrayKey = key;
        yield* arrayElements();
      } else {
        const valueStart = i;
        skipValue();
        try {
          JSON.parse(text.slice(valueStart, i));
        } catch (error) {
          throw parseFailure(error, valueStart, i - valueStart);
        }
      }
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        break;
      }
      throw new JsonSyntax(i, i >= text.length ? 'unexpected end of input' : `expected "," or "}" but found "${text[i]}"`);
    }
    if (arrayKey === undefined) throw new JsonSyntax(0, 'the top-level object has no array of records (expected e.g. {"users": [ … ]})');
  } else if (i >= text.length) {
    return; // an empty file holds no records
  } else {
    throw new JsonSyntax(i, 'expected an array of records or an object holding one');
  }
  ws();
  if (i < text.length) throw new JsonSyntax(i, `unexpected text after the end of the document`);
}

class TooDeep extends Error {}

/** Flattens nested objects to dotted keys ({"address": {"city": …}} → "address.city"), keeping arrays. */
export function flatten(object: Record<string, unknown>, prefix = '', out: Record<string, RawValue> = {}, depth = 0): Record<string, RawValue> {
  if (depth > MAX_DEPTH) throw new TooDeep();
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value as Record<string, unknown>, name, out, depth + 1);
    else {
      if (Array.isArray(value) && nestedDeeper(value, depth + 1)) throw new TooDeep();
      out[name] = value as RawValue;
    }
  }
  return out;
}

function nestedDeeper(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => nestedDeeper(v, depth + 1));
  if (value !== null && typeof value === 'object') return Object.values(value).some((v) => nestedDeeper(v, depth + 1));
  return false;
}

/**
 * A JSON number's value in one spelling: sign, significant digits, power of ten ("-12e3" for -12000,
 * -1.2e4 and -12000.0), so that two spellings of one value compare equal.
 */
function decimal(token: string): string {
  const [mantissa = '', exponent = '0'] = token.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '', fraction = ''] = mantissa.replace(/^[-+]/, '').split('.');
  let digits = (whole + fraction).replace(/^0+/, '');
  let power = Number(exponent) - fraction.length;
  if (!digits) return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  power += trailing;
  return `${negative ? '-' : ''}${digits}e${power}`;
}

/**
 * The first number in a JSON text that a double cannot carry as written — one that would be rounded
 * (an employee number past 2^53, 0.10000000000000000001) or become Infinity — or undefined. A number
 * is exact when the shortest spelling of the double it becomes has the same value as the text.
 */
export function inexactNumber(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip it, escapes included
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      const m = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
      m.lastIndex = i;
      const token = m.exec(text)?.[0];
      if (!token) continue;
      i += token.length - 1;
      const n = Number(token);
      if (!Number.isFinite(n) || decimal(String(n)) !== decimal(token)) return token;
    }
  }
  return undefined;
}

/** A record that cannot be read as it was written: too deep, or a number that would not survive. */
function recordProblem(file: string, line: number, text: string, parse: () => Record<string, RawValue>): ReadProblem | Record<string, RawValue> {
  const inexact = inexactNumber(text);
  if (inexact)
    return { file, line, code: 'inexact_number', value: inexact, message: `the number ${inexact.length > 30 ? `${inexact.slice(0, 29)}…` : inexact} cannot be read exactly (it would be rounded, or become Infinity)`, hint: 'write it as a string in quotes, e.g. "12345678901234567890"', fatal: false };
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    return { file, line, code: 'too_deep', message: `the record nests objects or arrays more than ${MAX_DEPTH} deep`, fatal: false };
  }
}

function notAnObject(file: string, line: number, value: unknown): ReadProblem {
  const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  return { file, line, code: 'not_an_object', message: `expected a record (a JSON object) but found ${kind}`, fatal: false };
}

/** Columns in order of first appearance over the records of a file. */
class ColumnList {
  private seen = new Set<string>();
  readonly names: string[] = [];
  add(values: Record<string, RawValue>): void {
    for (const k of Object.keys(values))
      if (!this.seen.has(k)) {
        this.seen.add(k);
        this.names.push(k);
      }
  }
}

export async function* readJson(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const read = await readText(file, options);
  if ('code' in read) {
    yield [{ kind: 'header', file, format: 'json', columns: [], encoding: options.encoding ?? 'utf-8' }, { kind: 'problem', problem: read }];
    return;
  }
  const { text, encoding } = read;
  const records: RawRecord[] = [];
  const problems: ReadProblem[] = [];
  const columns = new ColumnList();
  let line = 1;
  let counted = 0;
  try {
    for (const { start, end } of elements(text)) {
      line += position(text.slice(counted, start), start - counted).line - 1;
      counted = start;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, end));
      } catch (error) {
        throw parseFailure(error, start, end - start);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push(notAnObject(file, line, value));
        continue;
      }
      const values = recordProblem(file, line, text.slice(start, end), () => flatten(value as Record<string, unknown>));
      if ('code' in values && 'fatal' in values) {
        problems.push(values as ReadProblem);
        continue;
      }
      columns.add(values as Record<string, RawValue>);
      records.push({ file, line, values: values as Record<string, RawValue> });
    }
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    const at = position(text, error.offset);
    yield [
      { kind: 'header', file, format: 'json', columns: columns.names, encoding },
      {
        kind: 'problem',
        problem: { file, line: at.line, column: at.column, code: 'invalid_json', message: `invalid JSON at column ${at.column}: ${error.message}`, fatal: true },
      },
    ];
    return;
  }
  // Records and problems in file order.
  const events: ReadEvent[] = [
    ...records.map((record) => ({ kind: 'record', record }) as const),
    ...problems.map((problem) => ({ kind: 'problem', problem }) as const),
  ];
  const lineOf = (e: ReadEvent) => (e.kind === 'record' ? e.record.line : e.kind === 'problem' ? e.problem.line : 0);
  events.sort((a, b) => lineOf(a) - lineOf(b));
  yield [{ kind: 'header', file, format: 'json', columns: columns.names, encoding }, ...events];
}

/**
 * NDJSON: one JSON object per line, streamed; blank lines are skipped. The header event comes once the
 * first record is read and lists its keys (the columns that decide the entity and the mapping).
 */
export async function* readNdjson(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const decoded = await openDecoded(sourceOf(file, options), options.encoding, options.onRead);
  let lineNo = 0;
  let held: ReadEvent[] | undefined = []; // events before the first record, until the header is known
  const header = (columns: string[]): ReadEvent => ({ kind: 'header', file, format: 'ndjson', columns, encoding: decoded.encoding });
  const handle = (raw: string): ReadEvent | undefined => {
    lineNo++;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      const failure = parseFailure(error, 0, lineText.length);
      return {
        kind: 'problem',
        problem: { file, line: lineNo, column: failure.offset + 1, code: 'invalid_json', message: `invalid JSON at column ${failure.offset + 1}: ${failure.message}`, fatal: false },
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'problem', problem: notAnObject(file, lineNo, value) };
    const values = recordProblem(file, lineNo, lineText, () => flatten(value as Record<string, unknown>));
    if ('code' in values && 'fatal' in values) return { kind: 'problem', problem: values as ReadProblem };
    return { kind: 'record', record: { file, line: lineNo, values: values as Record<string, RawValue> } };
  };
  function* release(event: ReadEvent | undefined): Generator<ReadEvent> {
    if (!event) return;
    if (!held) {
      yield event;
      return;
    }
    held.push(event);
    if (event.kind !== 'record') return;
    yield header(Object.keys(event.record.values));
    yield* held;
    held = undefined;
  }
  // A line's pieces until its end is found: each chunk is searched once and joined once, so a long
  // line costs its length, not its length again for every chunk it spans.
  let parts: string[] = [];
  let partsLength = 0;
  // The rest of a line that does not fit: skipped to its end, the line reported once.
  let skipping = false;
  try {
    for await (const chunk of decoded.chunks) {
      const text = chunk.toString('utf8');
      const batch: ReadEvent[] = [];
      let from = 0;
      let nl: number;
      while ((nl = text.indexOf('\n', from)) !== -1) {
        const piece = text.slice(from, nl);
        if (skipping) skipping = false;
        else batch.push(...release(handle(parts.length ? parts.join('') + piece : piece)));
        parts = [];
        partsLength = 0;
        from = nl + 1;
      }
      if (!skipping && from < text.length) {
        parts.push(from ? text.slice(from) : text);
        partsLength += text.length - from;
        if (partsLength > MAX_RECORD_BYTES) {
          lineNo++;
          batch.push(...release({ kind: 'problem', problem: { file, line: lineNo, code: 'too_large', message: `this line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`, fatal: false } }));
          skipping = true;
          parts = [];
          partsLength = 0;
        }
      }
      if (batch.length) yield batch;
    }
    if (parts.length && !skipping) yield [...release(handle(parts.join('')))];
  } catch (error) {
    if (!(error instanceof EncodingFault)) throw error;
    yield [...release({ kind: 'problem', problem: encodingProblem(file, await decoded.lineOf(error.byteOffset), error.encoding) })];
  }
  if (held) yield [header([]), ...held];
}
