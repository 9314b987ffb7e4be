import { describe, expect, it } from 'vitest';
import { MAX_CHARS, readFailedRows } from '../../src/app/failed-rows.js';
import { rulesNamed } from '../../src/connectors/registry.js';
import { validateFiles, validateToLog } from '../../src/core/validate/validate-files.js';
import { STDIN_NAME } from '../../src/io/paths.js';
import { tempDir, write } from '../helpers/files.js';

const rules = rulesNamed('generic')!;

/** The failed rows of a file as text (they travel as base64 of the file's own bytes). */
const text = (file: { csv: string }, encoding: BufferEncoding = 'utf8') => Buffer.from(file.csv, 'base64').toString(encoding);

describe('the rows with errors, read again for the HTML report', () => {
  it('are the input rows with an error, in its columns and separator, with what is wrong, formula-like cells guarded, and who each row is', async () => {
    const dir = tempDir();
    write(dir, 'staff.csv', 'Employee ID;First Name;Last Name;Mail\nE1;Ann;Lee;ann@x.co\nE2;;=1+2;bob@@x\nE3;Cy;Dee;cy@x.co\n');
    const report = await validateFiles(['staff.csv'], { rules, read: { cwd: dir } });
    const failed = await readFailedRows(report.files, report.issues, { read: { cwd: dir }, limit: 10 });
    expect(failed.files.map(({ file, rows, total, encoding }) => ({ file, rows, total, encoding }))).toEqual([{ file: 'staff.csv', rows: 1, total: 1, encoding: 'utf-8' }]);
    expect(text(failed.files[0]!)).toBe(`Employee ID;First Name;Last Name;Mail;hrsync errors\nE2;;'=1+2;bob@@x;"firstName is required but empty; email ""bob@@x"" is not a valid email address"\n`);
    expect([...failed.who]).toEqual([['staff.csv:3', '=1+2 <bob@@x> (E2)']]);
  });

  it('are in the file’s own encoding, byte-order mark and line ends (Windows-1252, CRLF): hrsync’s own words fitted to it', async () => {
    const dir = tempDir();
    write(dir, 'win.csv', Buffer.from('Employee ID,First name,Last name,Email\r\nE1,José,Müller,jose@@x\r\n', 'latin1'));
    const read = { cwd: dir, encoding: 'windows-1252' };
    const report = await validateFiles(['win.csv'], { rules, read });
    const failed = await readFailedRows(report.files, report.issues, { read, limit: 10 });
    expect(failed.files[0]!.encoding).toBe('windows-1252');
    expect(text(failed.files[0]!, 'latin1')).toBe('Employee ID,First name,Last name,Email,hrsync errors\r\nE1,José,Müller,jose@@x,"email ""jose@@x"" is not a valid email address"\r\n');
  });

  it('keep at most the limit of rows and count them all; NDJSON’s first line is a record; the issues read from a log as from an array', async () => {
    const dir = tempDir();
    const people = Array.from({ length: 5 }, (_, i) => ({ externalId: `E${i}`, firstName: `P${i}`, lastName: 'X', email: `bad${i}` }));
    write(dir, 'people.ndjson', `${people.map((p) => JSON.stringify(p)).join('\n')}\n`);
    const report = await validateToLog(['people.ndjson'], { rules, read: { cwd: dir } });
    try {
      const failed = await readFailedRows(report.files, report.issues, { read: { cwd: dir }, limit: 2 });
      expect(failed.files.map(({ file, rows, total }) => ({ file, rows, total }))).toEqual([{ file: 'people.ndjson', rows: 2, total: 5 }]);
      // Not a CSV: UTF-8 with a byte-order mark (for Excel), commas, LF.
      expect(text(failed.files[0]!).split('\n').slice(0, 3)).toEqual([
        '\ufeffexternalId,firstName,lastName,email,hrsync errors',
        'E0,P0,X,bad0,"email ""bad0"" is not a valid email address"',
        'E1,P1,X,bad1,"email ""bad1"" is not a valid email address"',
      ]);
      expect([...failed.who.keys()]).toEqual(['people.ndjson:1', 'people.ndjson:2']);
    } finally {
      report.issues.close();
    }
  });

  it('stop being kept (still counted) past MAX_CHARS of cells, so that wide rows cannot make the page huge; --verbose keeps them all', async () => {
    const dir = tempDir();
    const wide = 'x'.repeat(1_500_000);
    write(dir, 'wide.csv', `Employee ID,First name,Last name,Email,Job title\n${[1, 2, 3, 4, 5].map((i) => `E${i},A,B,bad,${wide}`).join('\n')}\n`);
    const report = await validateFiles(['wide.csv'], { rules, read: { cwd: dir } });
    const kept = await readFailedRows(report.files, report.issues, { read: { cwd: dir }, limit: 100 });
    expect(kept.files.map(({ rows, total }) => ({ rows, total }))).toEqual([{ rows: Math.ceil(MAX_CHARS / wide.length), total: 5 }]);
    const all = await readFailedRows(report.files, report.issues, { read: { cwd: dir }, limit: Infinity });
    expect(all.files.map(({ rows, total }) => ({ rows, total }))).toEqual([{ rows: 5, total: 5 }]);
  });

  it('of a file with an error about the whole of it are every row; standard input is not read twice, and says so', async () => {
    const dir = tempDir();
    write(dir, 'users.csv', 'Employee ID,First name,Last name,Email,Email\nE1,Ann,Lee,a@x.co,b@x.co\n');
    const report = await validateFiles(['users.csv'], { rules, read: { cwd: dir } });
    expect(report.issues.map((i) => `${i.line} ${i.code}`)).toEqual(['1 duplicate_header']);
    const failed = await readFailedRows(report.files, report.issues, { read: { cwd: dir }, limit: 10 });
    expect(failed.files[0]).toMatchObject({ rows: 1, total: 1 });
    expect(text(failed.files[0]!).split('\n')[1]).toMatch(/^E1,Ann,Lee,.*,left out with its file$/);
    const stdin = await readFailedRows([{ ...report.files[0]!, file: STDIN_NAME }], [], { limit: 10 });
    expect(stdin.files).toEqual([{ file: STDIN_NAME, csv: '', encoding: 'utf-8', rows: 0, total: 1, unread: 'standard input cannot be read a second time' }]);
  });
});
