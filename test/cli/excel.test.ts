import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';
import { textRow, xlsxBytes } from '../helpers/xlsx-bytes.js';

const ENV = { AP_KEY: 'sandbox-key' };

/** A workbook as HR keeps one: a notes sheet first, the staff sheet, a blank row, date cells, numbers, a formula. */
async function workbook(path: string, { staffFirst = false } = {}): Promise<void> {
  const book = new ExcelJS.Workbook();
  const notes = () => book.addWorksheet('Read me').addRow(['Exported from the HR system']);
  if (!staffFirst) notes();
  const ws = book.addWorksheet('Staff');
  ws.addRow(['Employee ID', 'First name', 'Last name', 'Email', 'Company ID', 'Start date']);
  ws.addRow([1001, 'Ann', 'Lee', 'ann.lee@x.co.uk', 'ACME01', new Date(Date.UTC(2024, 2, 5))]);
  ws.getCell('F2').numFmt = 'dd/mm/yyyy';
  ws.addRow([]);
  ws.addRow(['X1002', { richText: [{ text: 'Bo' }, { text: 'b' }] }, { formula: 'PROPER("bell")', result: 'Bell' }, 'bob.bell@x.co.uk', 'ACME01', '2024-04-01']);
  ws.addRow(['X1003', 'Cy', 'Cole', 'not-an-email', 'ACME01', null]);
  if (staffFirst) notes();
  await book.xlsx.writeFile(path);
}

describe('Excel files', () => {
  const sandbox = useSandbox();

  it('reads a workbook’s sheet with row numbers as the spreadsheet shows them and date cells as yyyy-mm-dd', async () => {
    const dir = tempDir();
    await workbook(join(dir, 'staff.xlsx'));
    const first = await hrsyncIn(['validate', 'staff.xlsx', '--target', 'accessplanit'], { cwd: dir });
    expect(first.stdout).toContain('staff.xlsx: users'); // the first sheet is the notes: not the staff
    const run = await hrsyncIn(['validate', 'staff.xlsx', '--sheet', 'staff', '--target', 'accessplanit', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ rows: 3, errors: 1 });
    expect(report.issues.filter((i: { severity: string }) => i.severity === 'error')).toEqual([expect.objectContaining({ file: 'staff.xlsx', line: 5, field: 'email', value: 'not-an-email' })]);
    const missing = await hrsyncIn(['validate', 'staff.xlsx', '--sheet', 'People', '--target', 'accessplanit'], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stdout).toContain('the workbook has no sheet named "People" (its sheets: Read me, Staff)');
  });

  it('imports from a workbook (dates and numbers as a person sees them), keeps failed rows as a workbook too, and exports .xlsx that imports back with nothing to do', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    await workbook(join(dir, 'staff.xlsx'), { staffFirst: true });
    const dry = await hrsyncIn(['import', 'staff.xlsx', '--dry-run', '--verbose'], { cwd: dir, env: ENV });
    expect(dry.stdout).toContain('+ create users externalId=1001 "Ann Lee" (staff.xlsx:2)');
    expect(dry.stdout).toContain('+ create users externalId=X1002 "Bob Bell" (staff.xlsx:4)');
    const run = await hrsyncIn(['import', 'staff.xlsx', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code).toBe(5); // the bad email
    const ann = sandbox().state().accessplanit.User.rows().find((u) => u.ExternalID === '1001')!;
    expect(ann).toBeDefined();
    const failed = new ExcelJS.Workbook();
    await failed.xlsx.readFile(join(dir, 'out', 'failed.xlsx'));
    expect(failed.worksheets[0]!.getRow(2).getCell(1).value).toBe('X1003');
    expect(existsSync(join(dir, 'out', 'failed.csv'))).toBe(true);

    const exported = await hrsyncIn(['export', '-o', 'users.xlsx'], { cwd: dir, env: ENV });
    expect(exported.code, exported.stderr).toBe(0);
    expect(statSync(join(dir, 'users.xlsx')).mode & 0o077).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'users.xlsx'));
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('id');
    expect(sheet.rowCount).toBe(sandbox().state().accessplanit.User.size + 1);
    const again = await hrsyncIn(['import', 'users.xlsx', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect((await hrsyncIn(['export', '--format', 'xlsx'], { cwd: dir, env: ENV })).code).toBe(64); // not to standard output
  });

  it('says what a file that is neither CSV, JSON nor a workbook looks like (exit 3), and reads a workbook whatever it is named', async () => {
    const dir = tempDir();
    write(dir, 'scan.csv', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'));
    write(dir, 'photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    write(dir, 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    write(dir, 'fake.xlsx', 'Employee ID,First name\n1,A\n');
    for (const [file, looks] of [
      ['scan.csv', 'this looks like a PDF document'],
      ['photo.csv', 'this looks like a PNG image'],
      ['old.xls', 'an Excel 97–2003 workbook (.xls)'],
      ['fake.xlsx', 'named like a workbook, but it is not an .xlsx file'],
    ]) {
      const run = await hrsyncIn(['validate', file!, '--target', 'generic'], { cwd: dir });
      expect(run.code, file).toBe(3);
      expect(run.stderr, file).toContain(looks);
    }
    await workbook(join(dir, 'book.xlsx'), { staffFirst: true });
    copyFileSync(join(dir, 'book.xlsx'), join(dir, 'export.csv')); // a workbook saved under a CSV name
    const renamed = await hrsyncIn(['validate', 'export.csv', '--target', 'generic', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(renamed.stdout).summary.rows).toBe(3);
    expect(readFileSync(join(ROOT, 'package.json'), 'utf8')).toContain('"exceljs"');
  });
});

describe('Excel files as a person sees them on the command line', () => {
  const HEADER = textRow(1, ['Employee ID', 'First name', 'Last name', 'Email']);
  const person = (r: number, cells: string) => `<row r="${r}"><c r="A${r}"><v>${r}</v></c>${cells}<c r="D${r}" t="inlineStr"><is><t>p${r}@x.co.uk</t></is></c></row>`;

  it('names file, sheet, row and column for an error cell, a control character behind _x0007_ and a stray far-away cell, and leaves those rows out', async () => {
    const dir = tempDir();
    const rows =
      HEADER +
      person(2, '<c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c>') +
      person(3, '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3" t="s"><v>1</v></c>') +
      person(4, '<c r="B4" t="inlineStr"><is><t>Be_x0007_ll</t></is></c><c r="C4" t="s"><v>1</v></c>') +
      person(5, '<c r="B5" t="s"><v>0</v></c><c r="C5" t="s"><v>1</v></c>').replace('</row>', '<c r="XFD5"><v>9</v></c></row>');
    write(dir, 'book.xlsx', xlsxBytes({ sheets: [{ name: 'Notes', state: 'hidden', rows: textRow(1, ['x']) }, { name: 'Staff', rows }], strings: ['Ann', 'Lee'] }, ['types', 'rels', 'sheet1', 'sheet2', 'strings']));
    const run = await hrsyncIn(['validate', 'book.xlsx', '--target', 'generic'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('book.xlsx, row 3  error    sheet "Staff", cell B3: the cell holds the Excel error #DIV/0!');
    expect(run.stdout).toMatch(/book\.xlsx, sheet "Staff", cell \w+4 +error +.*control character/);
    expect(run.stdout).toContain('book.xlsx, row 5  error    sheet "Staff", cell XFD5: column XFD has a value but no name in the header row');
    expect(run.stdout).toContain('book.xlsx: users, 4 rows, 3 errors');
    expect(run.stdout).not.toContain('[object Object]');
    const json = JSON.parse((await hrsyncIn(['validate', 'book.xlsx', '--target', 'generic', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.issues.map((i: { line: number; code: string }) => [i.line, i.code])).toEqual([[3, 'excel_error'], [4, 'control_character'], [5, 'ragged_row']]);
  });

  it('says a password-protected workbook is one, with what to do (exit 3)', async () => {
    const dir = tempDir();
    write(dir, 'locked.xlsx', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]));
    const run = await hrsyncIn(['validate', 'locked.xlsx', '--target', 'generic'], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('locked.xlsx: this looks like a password-protected workbook');
    expect(run.stderr).toContain('remove the password in Excel');
  });
});
