import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { hrsyncIn, tempProject } from '../helpers/run.js';

/** The README's ten-minute tour, line by line, against the embedded sandbox (as a newcomer runs it). */
describe('the README’s tour: an HR export in, training data back out', () => {
  it('runs every command of its first four steps as written', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## A ten-minute tour'), readme.indexOf('### 5. '));
    const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    const lines = blocks.flatMap((b) => b.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(lines).toHaveLength(7);
    const dir = tempProject();
    const run = (line: string) => hrsyncIn(line.split(/\s+/).slice(1), { cwd: dir });
    const v = await run(lines[0]!);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain('samples/hr-export.csv: users, 8 rows, 0 errors');
    const d = await run(lines[1]!);
    expect(d.stdout).toContain('Plan: 3 to create, 2 to update, 3 unchanged.');
    expect(d.stdout).toContain('    status: "New" → "Disabled" (from "terminated")\n    country: "United Kingdom" → "Poland"');
    expect(d.stdout).toContain('    companyId: "ACME01" (from "HR-100")');
    expect((await run(lines[2]!)).stderr).toContain('✔ 5 changes applied, 0 failed, 0 skipped');
    expect((await run(lines[3]!)).stderr).toContain('✔ 2 changes applied');
    const b = await run(lines[4]!);
    expect(b.code, b.stderr).toBe(0);
    const booked = readFileSync(join(dir, 'booked.csv'), 'utf8');
    expect(booked).toContain('jasmit~12368,jasmit,12368');
    expect(booked).toContain(',Booked,');
    expect((await run(lines[5]!)).code).toBe(0);
    expect(existsSync(join(dir, 'awards.xlsx'))).toBe(true);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'awards.xlsx'));
    expect(book.worksheets[0]!.rowCount).toBeGreaterThan(1);
    expect((await run(lines[6]!)).code).toBe(0);
    expect(readFileSync(join(dir, 'users.csv'), 'utf8')).toMatch(/^\uFEFF[^\r\n]*;[^\r\n]*\r\n/); // for Excel: a BOM, ;, CRLF
  });
});
