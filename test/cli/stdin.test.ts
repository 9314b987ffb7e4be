import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOfContent } from '../../src/io/records.js';
import { readRecords } from '../../src/io/records.js';
import { STDIN_NAME } from '../../src/io/paths.js';
import { hrsyncIn, tempProject } from '../helpers/run.js';

const dir = tempProject();
const invalidUsers = readFileSync(join(dir, 'samples/invalid/users.csv'));

/** Users as a JSON document and as NDJSON, with a bad email on a known line. */
const JSON_USERS = `[\n  {"externalId": "J1", "firstName": "Ann", "lastName": "Lee", "email": "ann@x.co.uk"},\n  {"externalId": "J2", "firstName": "Bo", "lastName": "Ng", "email": "bo@@x"}\n]\n`;
const NDJSON_USERS = `{"externalId": "N1", "firstName": "Ann", "lastName": "Lee", "email": "ann@x.co.uk"}\n\n{"externalId": "N2", "firstName": "Bo", "lastName": "Ng", "email": "bo@@x"}\n`;

describe('"-" reads standard input', () => {
  it('validate -: the same report as for the file, the file named <stdin>, lines exact', async () => {
    const fromFile = await hrsyncIn(['validate', 'samples/invalid/users.csv', 'samples/companies.csv', '--target', 'accessplanit'], { cwd: dir });
    const fromStdin = await hrsyncIn(['validate', '-', 'samples/companies.csv', '--target', 'accessplanit'], { cwd: dir, stdin: invalidUsers });
    expect(fromStdin.code).toBe(3);
    expect(fromStdin.stdout).toContain('<stdin>:2  error    email "jan@@acme.nl" is not a valid email address  [invalid_email]');
    expect(fromStdin.stdout).toContain('companyId "C999" does not exist (not in companies.csv)');
    expect(fromStdin.stdout).toBe(fromFile.stdout.replaceAll('samples/invalid/users.csv', '<stdin>'));
  });

  it('tells JSON from NDJSON from CSV by the content; --input-format overrides', async () => {
    for (const [content, format, line] of [
      [JSON_USERS, 'json', 3],
      [NDJSON_USERS, 'ndjson', 3],
      [`{"users": [{"externalId": "W1", "firstName": "A", "lastName": "B", "email": "a@@b"}]}`, 'json', 1],
    ] as const) {
      const run = await hrsyncIn(['validate', '-', '--target', 'generic', '--format', 'json'], { cwd: dir, stdin: content });
      expect(run.code, run.stderr).toBe(3);
      const report = JSON.parse(run.stdout);
      expect(report.files[0]).toMatchObject({ file: '<stdin>', format, entity: 'users' });
      expect(report.issues.map((i: { file: string; line: number; code: string }) => [i.file, i.line, i.code])).toEqual([['<stdin>', line, 'invalid_email']]);
    }
    // NDJSON without a newline in the first 64 KB, or a name that says nothing: the flag says what it is.
    const forced = await hrsyncIn(['validate', '-', '--target', 'generic', '--format', 'json', '--input-format', 'csv'], { cwd: dir, stdin: 'externalId,firstName,lastName,email\n{x},A,B,a@b.co\n' });
    expect(JSON.parse(forced.stdout).files[0]).toMatchObject({ format: 'csv', rows: 1 });
  });

  it('a byte that is not UTF-8 is named with its line, as in a file', async () => {
    const bytes = Buffer.concat([Buffer.from('externalId,firstName,lastName,email\nA1,Ann,Lee,a@x.co\nA2,Ren'), Buffer.from([0xe9]), Buffer.from(',Bo,b@x.co\n')]);
    // In chunks, so the bad byte is not in the first one.
    const chunks = async function* () {
      yield bytes.subarray(0, 20);
      yield bytes.subarray(20, 50);
      yield bytes.subarray(50);
    };
    const run = await hrsyncIn(['validate', '-', '--target', 'generic'], { cwd: dir, stdin: chunks() });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('<stdin>:3  error    this line has bytes that are not valid UTF-8');
  });

  it('standard input streams: the first records are read before the input has ended', async () => {
    let produced = 0;
    const row = 'A,Ann,Lee,a@x.co\n'.repeat(4000); // ~68 KB a chunk
    async function* endless() {
      yield Buffer.from('externalId,firstName,lastName,email\n');
      for (;;) {
        produced++;
        yield Buffer.from(row);
      }
    }
    const events = readRecords(STDIN_NAME, { stdin: endless() });
    let records = 0;
    for await (const batch of events) {
      records += batch.filter((e) => e.kind === 'record').length;
      if (records > 0) break;
    }
    expect(records).toBeGreaterThan(0);
    expect(produced).toBeLessThanOrEqual(3);
  });

  it('import -: plans from standard input, rows named <stdin>:line', async () => {
    const users = readFileSync(join(dir, 'samples/users.csv'), 'utf8');
    const run = await hrsyncIn(['import', '-', '--dry-run'], { cwd: tempProject(), stdin: users });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\+ create users externalId=\S+ .*\(<stdin>:\d+\)$/m);
    expect(run.stdout).toContain('Plan: 15 to create, 0 to update, 5 unchanged.');
  });

  it('"-" twice is a usage error', async () => {
    const run = await hrsyncIn(['validate', '-', '-'], { cwd: dir, stdin: 'a\n' });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('standard input) is given more than once');
  });

  it('formatOfContent', () => {
    const f = (s: string) => formatOfContent(Buffer.from(s));
    expect(f('  [\n{"a":1}]')).toBe('json');
    expect(f('{"a": 1}\n{"a": 2}')).toBe('ndjson');
    expect(f('{"a": 1}')).toBe('ndjson');
    expect(f('{"groups": ["x", "y"]}\n')).toBe('ndjson'); // a record with a list, not a wrapper
    expect(f('{"users": [{"a": 1}]}')).toBe('json');
    expect(f('{\n  "users": [')).toBe('json');
    expect(f('\uFEFFEmployee ID,Email\n')).toBe('csv');
    expect(formatOfContent(Buffer.from([0xff, 0xfe, 0x7b, 0x00]))).toBe('csv');
    expect(f('')).toBe('csv');
  });
});
