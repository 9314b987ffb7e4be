import { describe, expect, it } from 'vitest';
import { readAll, summary, tempDir, write } from '../helpers/files.js';

const dir = tempDir();
let n = 0;
const csv = (text: string) => write(dir, `title${n++}.csv`, text);
const HEADER = 'Nº empleado;Nombre;Apellidos;Correo electrónico;Fecha de alta';
const warnings = async (path: string) => (await readAll(path)).flatMap((e) => (e.kind === 'record' && e.warning ? [[e.warning.line, e.warning.code, e.warning.message]] : []));

describe('a CSV file with a title line above its header', () => {
  it('skips a title line (no delimiter in it) and a blank line, finds the delimiter below them, and keeps the file’s line numbers', async () => {
    const path = csv(`Plantilla de empleados\n\n${HEADER}\nE1;Ana;García;ana@x.es;05/01/2026\nE2;Luis;Pérez;luis@x.es;06/01/2026\n`);
    const read = await summary(path);
    expect([read.header?.delimiter, read.header?.columns, read.records.map(([line, v]) => [line, v['Nombre']]), read.problems]).toEqual([';', HEADER.split(';'), [[4, 'Ana'], [5, 'Luis']], []]);
    expect(await warnings(path)).toEqual([[1, 'skipped_rows', 'lines 1–2 above the header skipped (a title: "Plantilla de empleados"); the header is line 3']]);
  });

  it('skips the title of an Excel export, padded with delimiters to the table’s width', async () => {
    const read = await summary(csv(`Plantilla de empleados – Exportado 01/12/2026;;;;\n;;;;\n${HEADER}\r\nE1;Ana;García;ana@x.es;05/01/2026\n`));
    expect([read.header?.columns.length, read.records.map(([line]) => line), read.problems]).toEqual([5, [4], []]);
  });

  it('keeps a header of one column, and one whose next line has fewer than three cells', async () => {
    const one = await summary(csv('Email\nann@x.es\nbob@x.es\n'));
    expect([one.header?.columns, one.records.map(([line]) => line), one.problems]).toEqual([['Email'], [2, 3], []]);
    const two = await summary(csv('Email\nann@x.es,Ann\n'));
    expect([two.header?.columns, two.problems]).toEqual([['Email'], [[2, 'ragged_row']]]);
  });

  it('leaves a header on line 1 as it was, with no warning', async () => {
    const path = csv(`${HEADER}\nE1;Ana;García;ana@x.es;05/01/2026\n`);
    expect([(await summary(path)).header?.columns.length, await warnings(path)]).toEqual([5, []]);
  });
});
