import ExcelJS from 'exceljs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hrsyncBinary } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';

/** The HR person's export (issue 25): a title in row 1, row 2 blank, the header in row 3, people from row 4. */
async function plantilla(dir: string): Promise<void> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('Empleados');
  ws.getCell('A1').value = 'Plantilla de empleados – Exportado 01/12/2026';
  const rows = [
    ['Nº empleado', 'Nombre', 'Apellidos', 'Correo electrónico', 'Fecha de alta', 'Company ID'],
    ['E1', 'Ana', 'García', 'ana@x.es', new Date(Date.UTC(2026, 0, 5)), 'ACME01'],
    ['E2', 'Luis', 'Pérez', 'luis-at-x.es', new Date(Date.UTC(2026, 0, 6)), 'ACME01'],
  ];
  rows.forEach((cells, i) => cells.forEach((value, j) => (ws.getRow(i + 3).getCell(j + 1).value = value)));
  await book.xlsx.writeFile(join(dir, 'plantilla.xlsx'));
}

describe('a workbook with a title row above its header, through the built CLI', () => {
  it('map init maps the real header, and validate reads the rows under it, at the sheet’s own row numbers', async () => {
    const dir = tempDir();
    await plantilla(dir);
    const init = await hrsyncBinary(['map', 'init', 'plantilla.xlsx'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain('note: sheet "Empleados": rows 1–2 above the header skipped (a title: "Plantilla de empleados – Exportado 01/12…"); the header is row 3');
    const mapping = readFileSync(join(dir, 'mapping.yaml'), 'utf8');
    expect(mapping).toMatch(/Correo electrónico: email/);
    expect(mapping).not.toContain('Plantilla');

    const run = await hrsyncBinary(['validate', 'plantilla.xlsx', '--map', 'mapping.yaml', '--target', 'accessplanit', '--format', 'json'], dir);
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as { issues: Array<{ line: number; code: string; severity: string; cell?: string; sheet?: string }> };
    expect(report.issues.map((i) => [i.line, i.code, i.severity, i.cell ?? null])).toEqual([
      [1, 'skipped_rows', 'warning', null],
      [3, 'unchecked_reference', 'warning', null], // no company file in the run: said on the header's row, as the file's other findings are
      [5, 'invalid_email', 'error', 'D5'],
    ]);
  });
});

describe('a CSV with a title line above its header, through the built CLI', () => {
  it('says a finding about the whole file on the header’s line, as a workbook does: not on the title’s', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'u.csv'), 'Personio export 2026-12-01\n\nEmployee ID,First name,Last name,Email\nE1,Ann,Lee,ann@example.com\n');
    const run = await hrsyncBinary(['validate', 'u.csv', '--target', 'accessplanit', '--format', 'json'], dir);
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as { issues: Array<{ line: number; code: string; field: string | null }> };
    expect(report.issues.map((i) => [i.line, i.code, i.field])).toEqual([
      [1, 'skipped_rows', null],
      [3, 'missing_column', 'companyId'],
    ]);
  });
});
