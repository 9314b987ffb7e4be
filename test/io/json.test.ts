import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { STDIN_NAME } from '../../src/io/paths.js';
import { readAll, summary, tempDir, write } from '../helpers/files.js';

const dir = tempDir();

describe('JSON', () => {
  it('reads an array of objects, each record at the line where its object starts', async () => {
    const text = '[\n  {"first": "Ann", "age": 41},\n\n  {\n    "first": "Bo",\n    "active": true\n  }\n]\n';
    const { records, header } = await summary(write(dir, 'a.json', text));
    expect(records).toEqual([
      [2, { first: 'Ann', age: 41 }],
      [4, { first: 'Bo', active: true }],
    ]);
    expect(header?.columns).toEqual(['first', 'age', 'active']);
  });

  it('reads the one array property of an object, ignoring scalar properties', async () => {
    const text = '{"count": 1, "meta": {"page": 1}, "users": [\n{"email": "a@b.nl"}\n]}';
    const { records } = await summary(write(dir, 'wrapped.json', text));
    expect(records).toEqual([[2, { email: 'a@b.nl' }]]);
  });

  it('flattens nested objects to dotted keys and keeps arrays', async () => {
    const text = '[{"name": "Ann", "address": {"city": "York", "postal_code": "YO1"}, "tags": ["a", "b"]}]';
    const { records } = await summary(write(dir, 'nested.json', text));
    expect(records[0]![1]).toEqual({ name: 'Ann', 'address.city': 'York', 'address.postal_code': 'YO1', tags: ['a', 'b'] });
  });

  it('keeps a key named __proto__ as a column, in a flat record and a nested one', async () => {
    const text = '[{"__proto__": "x", "email": "a@b.nl"}, {"email": "c@d.nl", "__proto__": "y", "address": {"city": "York"}}]';
    const { records } = await summary(write(dir, 'proto.json', text));
    expect(records.map(([, values]) => [Object.keys(values), values['__proto__'], Object.getPrototypeOf(values) === Object.prototype])).toEqual([
      [['__proto__', 'email'], 'x', true],
      [['email', '__proto__', 'address.city'], 'y', true],
    ]);
  });

  it('reports invalid JSON with its line and column', async () => {
    const text = '[\n  {"first": "Ann"},\n  {"first": "Bo",, "x": 1}\n]';
    const { problemDetails } = await summary(write(dir, 'bad.json', text));
    expect(problemDetails).toHaveLength(1);
    expect(problemDetails[0]).toMatchObject({ line: 3, column: 18, code: 'invalid_json', fatal: true });
  });

  it('reports a missing comma between records where it is missing', async () => {
    const { problemDetails } = await summary(write(dir, 'comma.json', '[\n{"a": 1}\n{"a": 2}\n]'));
    expect(problemDetails[0]).toMatchObject({ line: 3, column: 1, code: 'invalid_json' });
    expect(problemDetails[0]!.message).toContain('expected "," or "]"');
  });

  it('refuses an object with two arrays, and one with none', async () => {
    const two = await summary(write(dir, 'two.json', '{"users": [], "groups": []}'));
    expect(two.problemDetails[0]!.message).toContain('more than one array');
    const none = await summary(write(dir, 'none.json', '{"users": 3}'));
    expect(none.problemDetails[0]!.message).toContain('no array of records');
  });

  it('reports an element that is not an object, and keeps the others', async () => {
    const { records, problems } = await summary(write(dir, 'mixed.json', '[\n{"a": 1},\n"oops",\n{"a": 2}\n]'));
    expect(records.map(([line]) => line)).toEqual([2, 4]);
    expect(problems).toEqual([[3, 'not_an_object']]);
  });
});

describe('NDJSON', () => {
  it('streams one object per line, skipping blank lines, reporting bad lines and carrying on', async () => {
    const text = '{"email": "a@b.nl", "first": "Ann"}\n\n{"email": oops}\r\n[1]\n{"email": "c@d.nl"}';
    const { records, problems, header } = await summary(write(dir, 'a.ndjson', text));
    expect(header?.columns).toEqual(['email', 'first']);
    expect(records).toEqual([
      [1, { email: 'a@b.nl', first: 'Ann' }],
      [5, { email: 'c@d.nl' }],
    ]);
    expect(problems).toEqual([[3, 'invalid_json'], [4, 'not_an_object']]);
  });

  it('reads .jsonl the same way', async () => {
    const { records } = await summary(write(dir, 'a.jsonl', '{"a": 1}\n'));
    expect(records).toEqual([[1, { a: 1 }]]);
  });
});

describe('JSON, streamed', () => {
  const records = (n: number, extra: (i: number) => Record<string, unknown> = () => ({})) =>
    Array.from({ length: n }, (_, i) => JSON.stringify({ id: `E${i}`, ...extra(i) }));
  const document = (lines: string[]) => `[\n${lines.join(',\n')}\n]\n`;

  it('gives the header once more than 1,000 records are read; a record with a key first seen later names it', async () => {
    const path = write(dir, 'late.json', document(records(3000, (i) => ({ note: 'n'.repeat(300), ...(i >= 2500 ? { phone: `0${i}` } : {}) }))));
    const events = await readAll(path);
    const header = events[0];
    expect(header).toMatchObject({ kind: 'header', columns: ['id', 'note'], partial: true });
    const late = events.filter((e) => e.kind === 'record' && e.newColumns);
    expect(late).toEqual([expect.objectContaining({ newColumns: ['phone'], record: expect.objectContaining({ line: 2502, values: expect.objectContaining({ id: 'E2500', phone: '02500' }) }) })]);
    expect(events.filter((e) => e.kind === 'record')).toHaveLength(3000);
  });

  it('lists every column in the header of a document of up to 1,000 records, as when it was read whole', async () => {
    const { header } = await summary(write(dir, 'short.json', document(records(1000, (i) => (i === 999 ? { late: true } : {})))));
    expect(header).toMatchObject({ columns: ['id', 'late'] });
    expect(header?.partial).toBeUndefined();
  });

  it('reads the same whatever the pieces the document arrives in', async () => {
    const text = '{"meta": {"n": [1, "]"]},\r\n "users": [\r\n{"a": "x\\"}", "b": {"c": 1}},\r\n\r\n"oops", {"a": "é😀"}\n]}';
    const path = write(dir, 'pieces.json', text);
    const whole = await readAll(path);
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 7]) {
      const pieces = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const streamed = await readAll(STDIN_NAME, { stdin: Readable.from(pieces), format: 'json' });
      expect(JSON.stringify(streamed).replaceAll(STDIN_NAME, path)).toBe(JSON.stringify(whole));
    }
    expect(whole.filter((e) => e.kind === 'record').map((e) => e.kind === 'record' && [e.record.line, e.record.values])).toEqual([
      [3, { a: 'x"}', 'b.c': 1 }],
      [5, { a: 'é😀' }],
    ]);
  });

  it('reports the records before a fault in the document, then the fault with its line and column', async () => {
    const text = document(records(1200)).replace('{"id":"E1100"}', '{"id":"E1100",, "x": 1}');
    const { records: read, problemDetails } = await summary(write(dir, 'fault.json', text));
    expect(read).toHaveLength(1100);
    expect(problemDetails).toEqual([expect.objectContaining({ line: 1102, column: 15, code: 'invalid_json', fatal: true })]);
  });

  it('skips a record longer than 16 MB (an error on its line) and reads on; no limit on the document', async () => {
    const huge = JSON.stringify({ id: 'H', note: 'x'.repeat(17 * 1024 * 1024) });
    const { records: read, problems } = await summary(write(dir, 'huge.json', document(['{"id": "A"}', huge, '{"id": "B"}'])));
    expect(read.map(([line]) => line)).toEqual([2, 4]);
    expect(problems).toEqual([[3, 'too_large']]);
  });
});

describe('JSON and NDJSON, odd records', () => {
  it('reads a record whose keys are "code" and "fatal" as a record, not as a problem', async () => {
    const text = '{"code": "C1", "fatal": false, "message": "m", "line": 3}\n';
    for (const name of ['odd.ndjson', 'odd.json'])
      expect((await summary(write(dir, name, name.endsWith('.json') ? `[${text}]` : text))).records).toEqual([[1, { code: 'C1', fatal: false, message: 'm', line: 3 }]]);
  });

  it('reports a property name that is not valid JSON with its line and column, never a crash', async () => {
    const { problemDetails } = await summary(write(dir, 'key.json', '{\n  "us\\x": []\n}'));
    expect(problemDetails).toEqual([expect.objectContaining({ line: 2, column: 7, code: 'invalid_json', fatal: true })]);
  });
});
