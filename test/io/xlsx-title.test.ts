import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll, summary, tempDir } from '../helpers/files.js';

const dir = tempDir();
let n = 0;

/** A workbook made by ExcelJS, as Excel would save it: one sheet, `rows` from row 1 (null: a blank row). */
async function book(rows: Array<Array<string | number | Date> | null>, sheet = 'Empleados'): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  rows.forEach((cells, i) => cells?.forEach((value, j) => (ws.getRow(i + 1).getCell(j + 1).value = value)));
  const path = join(dir, `title${n++}.xlsx`);
  await wb.xlsx.writeFile(path);
  return path;
}

const HEADER = ['Nº empleado', 'Nombre', 'Apellidos', 'Correo electrónico', 'Fecha de alta'];
const person = (id: number, name: string) => [id, name, 'García', `${name.toLowerCase()}@x.es`, new Date(Date.UTC(2026, 0, id))];

describe('a workbook with a title above its header', () => {
  it('skips a title and a blank row above the header, says so once, and keeps the sheet’s row numbers', async () => {
    const path = await book([['Plantilla de empleados – Exportado 01/12/2026'], null, HEADER, person(1, 'Ana'), person(2, 'Luis')]);
    const read = await summary(path);
    expect(read.header?.columns).toEqual(HEADER);
    expect(read.header?.row).toBe(3);
    expect(read.header?.letters).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(read.problems).toEqual([]);
    expect(read.records.map(([line, values]) => [line, values['Nombre'], values['Fecha de alta']])).toEqual([[4, 'Ana', '2026-01-01'], [5, 'Luis', '2026-01-02']]);
    const warnings = (await readAll(path, {})).flatMap((e) => (e.kind === 'record' && e.warning ? [e.warning] : []));
    expect(warnings).toEqual([
      expect.objectContaining({ line: 1, code: 'skipped_rows', warning: true, message: 'sheet "Empleados": rows 1–2 above the header skipped (a title: "Plantilla de empleados – Exportado 01/12…"); the header is row 3' }),
    ]);
  });

  it('skips two title rows (a title, then an export date) above the header', async () => {
    const read = await summary(await book([['Plantilla de empleados'], ['Exportado 01/12/2026'], HEADER, person(1, 'Ana')]));
    expect([read.header?.row, read.records.map(([line]) => line), read.problems]).toEqual([3, [4], []]);
  });

  it('leaves a header in row 1 as it was, with no warning', async () => {
    const path = await book([HEADER, person(1, 'Ana'), person(2, 'Luis')]);
    const read = await summary(path);
    expect([read.header?.row, read.header?.columns, read.records.map(([line]) => line), read.problems]).toEqual([1, HEADER, [2, 3], []]);
    expect((await readAll(path, {})).some((e) => e.kind === 'record' && e.warning)).toBe(false);
  });

  it('keeps a header of one column when the rows below have one column too', async () => {
    const rows = [['Email'], ...Array.from({ length: 8 }, (_, i) => [`p${i}@x.es`])];
    const read = await summary(await book(rows));
    expect([read.header?.row, read.header?.columns, read.records.length, read.problems]).toEqual([1, ['Email'], 8, []]);
  });

  it('keeps a short header when the first wide row below it is data, not names', async () => {
    const read = await summary(await book([['Email'], [1, 'Ana', 'García', 'ana@x.es']]));
    expect(read.header?.columns).toEqual(['Email']);
    expect(read.problemDetails.map((p) => [p.line, p.code, p.hint])).toEqual([[2, 'ragged_row', 'name the column in the header row, or clear the cell (or, if row 1 is a title, the header may be lower down: delete the rows above it)']]);
  });

  it('takes a title above a header with no rows below it as a title still', async () => {
    const read = await summary(await book([['Plantilla de empleados'], HEADER]));
    expect([read.header?.row, read.header?.columns, read.records]).toEqual([2, HEADER, []]);
  });
});
