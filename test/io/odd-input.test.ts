import { describe, expect, it } from 'vitest';
import { duplicateKeys } from '../../src/io/json-keys.js';
import { readAll, tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';

const dir = tempDir();

/** The warnings carried by record events, and the problems, as [line, code, message]. */
async function said(path: string) {
  const events = await readAll(path);
  return {
    records: events.filter((e) => e.kind === 'record').length,
    warnings: events.flatMap((e) => (e.kind === 'record' && e.warning ? [[e.warning.line, e.warning.code, e.warning.message] as const] : [])),
    problems: events.flatMap((e) => (e.kind === 'problem' ? [[e.problem.line, e.problem.code, e.problem.message, e.problem.hint] as const] : [])),
  };
}

describe('silent choices on odd input are said', () => {
  it('a key written twice in a JSON or NDJSON record is a warning naming it; the record is read, with the last value', async () => {
    const ndjson = await said(write(dir, 'twice.ndjson', '{"email":"a@x.co","email":"b@x.co","first":"Ann"}\n{"email":"c@x.co","note":"\\"email\\": not a key"}\n'));
    expect(ndjson.records).toBe(2);
    expect(ndjson.warnings).toEqual([[1, 'duplicate_key', 'the record names "email" more than once; JSON keeps the last value, and so does hrsync']]);
    const json = await said(write(dir, 'twice.json', '[\n{"a":1,"address":{"city":"York","city":"Leeds"}},\n{"a":2,"tags":[{"k":1,"k":2}]}\n]'));
    expect(json.warnings.map(([line, , message]) => [line, message.split(';')[0]])).toEqual([
      [2, 'the record names "address.city" more than once'],
      [3, 'the record names "tags.k" more than once'],
    ]);
    const validate = await hrsyncIn(['validate', 'twice.ndjson', '--target', 'generic', '--format', 'json'], { cwd: dir });
    const issues = (JSON.parse(validate.stdout) as { issues: Array<{ line: number; code: string; severity: string }> }).issues;
    expect(issues.filter((i) => i.code === 'duplicate_key')).toEqual([expect.objectContaining({ line: 1, severity: 'warning' })]);
  });

  it('names duplicates exactly: keys inside strings, escaped keys and sibling objects are not duplicates', () => {
    expect(duplicateKeys('{"a":"{\\"a\\":1}","b":{"a":1},"c":[{"a":1},{"a":2}]}')).toEqual([]);
    expect(duplicateKeys('{"\\u0061":1,"a":2}')).toEqual(['a']); // the same key, spelled two ways
    expect(duplicateKeys('{"x":{"y":1},"z":[{"q":1,"q":2}],"w":{"v":{"u":1,"u":1}}}')).toEqual(['z.q', 'w.v.u']);
  });

  it('a UTF-16 file without a byte-order mark is an encoding error that names UTF-16 and the flag, not a wall of odd errors', async () => {
    const text = 'First name,Last name,Email\nAnn,Lee,ann@x.co.uk\n';
    for (const [name, bytes, encoding] of [
      ['le.csv', Buffer.from(text, 'utf16le'), 'utf-16le'],
      ['be.csv', Buffer.from(text, 'utf16le').swap16(), 'utf-16be'],
      ['le.ndjson', Buffer.from('{"email":"a@x.co"}\n', 'utf16le'), 'utf-16le'],
    ] as const) {
      const { problems, records } = await said(write(dir, name, bytes));
      expect(records).toBe(0);
      expect(problems).toEqual([[1, 'encoding', `the file looks like ${encoding.toUpperCase()} without a byte-order mark (every other byte is zero), not UTF-8`, `pass --encoding ${encoding}, or save the file as UTF-8`]]);
    }
    // With its BOM, or named, it is read.
    expect((await said(write(dir, 'bom.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])))).records).toBe(1);
    expect((await readAll(write(dir, 'named.csv', Buffer.from(text, 'utf16le')), { encoding: 'utf-16le' })).filter((e) => e.kind === 'record')).toHaveLength(1);
    // UTF-8 with a stray NUL is not taken for UTF-16: the NUL is the value's problem.
    expect((await said(write(dir, 'nul.csv', 'First name,Last name\nA\u0000n,Lee\n'))).records).toBe(1);
  });
});
