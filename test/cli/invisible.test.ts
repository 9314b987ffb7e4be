import { describe, expect, it } from 'vitest';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key' };
const HEADER = 'Employee ID,First name,Last name,Email,Company ID';
const ZWSP = '\u200b';
const composedJose = 'Jos\u00e9'; // é as one character
const decomposedJose = 'Jose\u0301'; // e, then the combining acute accent

describe('invisible characters and Unicode forms', () => {
  const sandbox = useSandbox();

  it('a zero-width space, a bidi control or a byte-order mark in a value is a warning naming it, shown escaped, never hidden', async () => {
    const dir = tempDir();
    write(dir, 'people.csv', `${HEADER}\nD3${ZWSP},Ann,Lee,ann@x.co.uk,ACME01\nD4,Bob\u202e,Ray,bob@x.co.uk,ACME01\nD5,Cy,Lo\ufeffw,cy@x.co.uk,ACME01\n`);
    const json = await hrsyncIn(['validate', 'people.csv', '--target', 'generic', '--format', 'json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0); // warnings: the rows are valid
    const issues = (JSON.parse(json.stdout) as { issues: Array<{ line: number; field: string; code: string; severity: string; message: string }> }).issues;
    expect(issues.map((i) => [i.line, i.field, i.code, i.severity])).toEqual([
      [2, 'externalId', 'invisible_character', 'warning'],
      [3, 'firstName', 'invisible_character', 'warning'],
      [4, 'lastName', 'invisible_character', 'warning'],
    ]);
    expect(issues[0]!.message).toContain('U+200B (a zero-width space or joiner)');
    const text = await hrsyncIn(['validate', 'people.csv', '--target', 'generic'], { cwd: dir });
    for (const shown of ['D3\\u200b', 'Bob\\u202e', 'Lo\\ufeffw']) expect(text.stdout + text.stderr).toContain(shown);
    for (const hidden of [ZWSP, '\u202e', '\ufeff']) expect(text.stdout + text.stderr).not.toContain(hidden);
  });

  it('a plan that would rewrite a key to a look-alike shows the difference: "E1001" → "E1001\\u200b"', async () => {
    await sandbox().reset();
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'people.csv', `${HEADER}\nE1001${ZWSP},James,Smith,james.smith@acme-logistics.co.uk,ACME01\n`);
    const run = await hrsyncIn(['import', 'people.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(run.stdout).toContain('E1001\\u200b');
    expect(run.stdout).not.toContain(ZWSP);
  });

  it('keys and values compare in one Unicode form (NFC): "José" typed either way is one person, unchanged', async () => {
    await sandbox().reset();
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'first.csv', `${HEADER}\nN1,${composedJose},Ruiz,jose@x.co.uk,ACME01\n`);
    const first = await hrsyncIn(['import', 'first.csv', '--yes'], { cwd: dir, env: ENV });
    expect(first.code, first.stderr).toBe(0);
    write(dir, 'again.csv', `${HEADER}\nN1,${decomposedJose},Ruiz,jose@x.co.uk,ACME01\n`);
    const again = await hrsyncIn(['import', 'again.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
    // Two rows that differ only in form share a key: both are reported, neither is created.
    write(dir, 'twice.csv', `${HEADER}\nN-${composedJose},Ann,A,a@y.co.uk,ACME01\nN-${decomposedJose},Bea,B,b@y.co.uk,ACME01\n`);
    const twice = await hrsyncIn(['validate', 'twice.csv', '--target', 'generic', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(twice.stdout) as { issues: Array<{ code: string }> }).issues.filter((i) => i.code === 'duplicate')).toHaveLength(2);
  });
});
