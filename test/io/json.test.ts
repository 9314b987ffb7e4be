import { describe, expect, it } from 'vitest';
import { summary, tempDir, write } from '../helpers/files.js';

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
