import { sourceOf } from './paths.js';
import { EncodingFault, openDecoded } from './decode.js';
import { DocumentScanner, JsonSyntax, parseFailure, TooLargeValue } from './json-document.js';
import { encodingProblem } from './problems.js';
import type { RawValue } from '../core/model/canonical.js';
import { MAX_RECORD_BYTES } from './csv.js';
import { colonAfter, duplicateKeys, keyCount, stringEnd } from './json-keys.js';
import { pieces } from './pieces.js';
import type { RawRecord, ReadEvent, ReadOptions, ReadProblem } from './types.js';

/** Objects nested deeper than this are an error on their line, not a stack overflow. */
const MAX_DEPTH = 32;

class TooDeep extends Error {}

/**
 * Flattens nested objects to dotted keys ({"address": {"city": …}} → "address.city"), keeping arrays.
 * A record that is flat already (nearly all: values and arrays of values) is returned as it is.
 */
export function flatten(object: Record<string, unknown>, prefix = '', out?: Record<string, RawValue>, depth = 0): Record<string, RawValue> {
  if (out === undefined) {
    if (isFlat(object)) return object as Record<string, RawValue>;
    out = {};
  }
  if (depth > MAX_DEPTH) throw new TooDeep();
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value as Record<string, unknown>, name, out, depth + 1);
    else {
      if (Array.isArray(value) && nestedDeeper(value, depth + 1)) throw new TooDeep();
      // A key named __proto__ is a column like any other, not the object's prototype.
      Object.defineProperty(out, name, { value: value as RawValue, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

/** Whether a parsed record holds only values and arrays of values (as JSON.parse made it: own keys only). */
function isFlat(object: Record<string, unknown>): boolean {
  for (const key in object) {
    const value = object[key];
    if (value !== null && typeof value === 'object' && (!Array.isArray(value) || value.some((v) => v !== null && typeof v === 'object'))) return false;
  }
  return true;
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
  return scanRecordText(text).inexact;
}

/**
 * One walk of a record's text: its first inexact number (see inexactNumber), and how many keys it
 * names — more than its parsed object holds means a key written twice (json-keys.ts).
 */
function scanRecordText(text: string): { inexact: string | undefined; keys: number } {
  let keys = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip it, escapes included; a key when a colon follows
      i = stringEnd(text, i);
      const next = text.charCodeAt(i + 1);
      if (next === 58 || (next <= 32 && colonAfter(text, i))) keys++; // a colon at once, or after white space
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      const m = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
      m.lastIndex = i;
      const token = m.exec(text)?.[0];
      if (!token) continue;
      i += token.length - 1;
      const n = Number(token);
      if (!Number.isFinite(n) || decimal(String(n)) !== decimal(token)) return { inexact: token, keys };
    }
  }
  return { inexact: undefined, keys };
}

/**
 * A record's values, flattened — or why it cannot be read as it was written: too deep, or a number that
 * would not survive.
 */
function readRecord(file: string, line: number, text: string, object: Record<string, unknown>): { values: Record<string, RawValue>; warning?: ReadProblem } | { problem: ReadProblem } {
  const { inexact, keys } = scanRecordText(text);
  if (inexact)
    return { problem: { file, line, code: 'inexact_number', value: inexact, message: `the number ${inexact.length > 30 ? `${inexact.slice(0, 29)}…` : inexact} cannot be read exactly (it would be rounded, or become Infinity)`, hint: 'write it as a string in quotes, e.g. "12345678901234567890"', fatal: false } };
  try {
    const values = flatten(object);
    const twice = keys > keyCount(object) ? duplicateKeys(text) : [];
    if (twice.length === 0) return { values };
    const shown = twice.slice(0, 5).map((k) => `"${k}"`).join(', ');
    return {
      values,
      warning: { file, line, code: 'duplicate_key', value: twice[0]!, message: `the record names ${shown} more than once; JSON keeps the last value, and so does hrsync`, hint: 'remove the key that is not meant', fatal: false, warning: true },
    };
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    return { problem: { file, line, code: 'too_deep', message: `the record nests objects or arrays more than ${MAX_DEPTH} deep`, fatal: false } };
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
  /** Adds a record's keys; returns those not seen before. */
  add(values: Record<string, RawValue>): string[] {
    let added: string[] | undefined;
    for (const k in values)
      if (!this.seen.has(k)) {
        this.seen.add(k);
        this.names.push(k);
        (added ??= []).push(k);
      }
    return added ?? NONE;
  }
}
const NONE: string[] = [];

/** Records read at least before a JSON document's header is given: its columns are the keys of these records. */
const FIRST_RECORDS = 1000;
/** Events held for the header at most, once a record is among them. */
const MAX_HELD = 10 * FIRST_RECORDS;

/** A batch by line, a line's records before its problems (as when the document was read whole). */
function byLine(events: ReadEvent[]): ReadEvent[] {
  if (!events.some((e) => e.kind === 'problem')) return events;
  const keys = events.map((e) => (e.kind === 'record' ? e.record.line * 2 : e.kind === 'problem' ? e.problem.line * 2 + 1 : 0));
  const order = events.map((_, k) => k).sort((a, b) => keys[a]! - keys[b]! || a - b);
  return order.map((k) => events[k]!);
}

/**
 * A JSON document — an array of records, or an object holding one ({"users": [...]}) — streamed: each
 * record is parsed the moment its end is read, and the events come in batches (a piece of the file each),
 * in file order. The header comes with the first batch, once more than 1,000 records are read (or the
 * document ends: a shorter one is known whole), and lists their keys in order of first appearance:
 * what decides the entity and maps the columns. A key first seen in a later record is named by that
 * record's event (`newColumns`; the header says `partial`). A fault in the document's structure ends
 * it (fatal), after the records before it.
 */
export async function* readJson(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const decoded = await openDecoded(sourceOf(file, options), options.encoding, options.onRead);
  const columns = new ColumnList();
  let events: ReadEvent[] = []; // since the last batch; before the header, held for it
  let records = 0;
  let given = false; // the header
  const header = (partial: boolean, encoding = decoded.encoding): ReadEvent => ({ kind: 'header', file, format: 'json', columns: [...columns.names], encoding, ...(partial ? { partial } : {}) });
  const scanner = new DocumentScanner(
    (text, line, start, parsed) => {
      let value = parsed;
      if (value === undefined)
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw parseFailure(error, start, text.length);
        }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        events.push({ kind: 'problem', problem: notAnObject(file, line, value) });
        return;
      }
      const read = readRecord(file, line, text, value as Record<string, unknown>);
      if ('problem' in read) {
        events.push({ kind: 'problem', problem: read.problem });
        return;
      }
      const added = columns.add(read.values);
      records++;
      events.push({ kind: 'record', record: { file, line, values: read.values }, ...(given && added.length ? { newColumns: added } : {}), ...(read.warning ? { warning: read.warning } : {}) });
    },
    (line) => events.push({ kind: 'problem', problem: { file, line, code: 'too_large', message: `this record is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`, fatal: false } }),
  );
  let fault: ReadProblem | undefined;
  try {
    for await (const chunk of decoded.chunks)
      for (const piece of pieces(chunk)) {
        scanner.feed(piece);
        if (!given) {
          if (records > FIRST_RECORDS || (records > 0 && events.length >= MAX_HELD)) {
            given = true;
            yield [header(true), ...byLine(events)];
            events = [];
          }
        } else if (events.length) {
          yield byLine(events);
          events = [];
        }
      }
    scanner.end();
  } catch (error) {
    if (error instanceof EncodingFault) fault = encodingProblem(file, await decoded.lineOf(error.byteOffset), error.encoding, error.looksLike);
    else if (error instanceof JsonSyntax) {
      const at = scanner.position(error);
      fault = { file, line: at.line, column: at.column, code: 'invalid_json', message: `invalid JSON at column ${at.column}: ${error.message}`, fatal: true };
    } else if (error instanceof TooLargeValue) fault = { file, line: error.line, code: 'too_large', message: error.message, fatal: true };
    else throw error;
  }
  const last = [...byLine(events), ...(fault ? [{ kind: 'problem', problem: fault } as const] : [])];
  // A file that could not be decoded at all names the encoding it was read as, not one guessed from it.
  if (!given) yield [header(false, fault?.code === 'encoding' && last.length === 1 ? (options.encoding ?? 'utf-8') : decoded.encoding), ...last];
  else if (last.length) yield last;
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
    const read = readRecord(file, lineNo, lineText, value as Record<string, unknown>);
    if ('problem' in read) return { kind: 'problem', problem: read.problem };
    return { kind: 'record', record: { file, line: lineNo, values: read.values }, ...(read.warning ? { warning: read.warning } : {}) };
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
    for await (const chunk of decoded.chunks) for (const piece of pieces(chunk)) {
      const text = piece.toString('utf8');
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
    yield [...release({ kind: 'problem', problem: encodingProblem(file, await decoded.lineOf(error.byteOffset), error.encoding, error.looksLike) })];
  }
  if (held) yield [header([]), ...held];
}
