import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter as PATH_SEPARATOR, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CSV_DIALECTS, type CsvDialect } from '../../src/io/dialect.js';
import { neutralise } from '../../src/io/formula.js';
import { openWriter } from '../../src/io/writers.js';
import { tempDir } from '../helpers/files.js';
import { PATIENCE_MS } from '../helpers/patience.js';

/** LibreOffice's command, when it is installed (Debian: libreoffice-calc-nogui). */
const soffice = (process.env.PATH ?? '').split(PATH_SEPARATOR).map((dir) => join(dir, 'soffice')).find((path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** Cells an export could hold: formulas in every spelling, and values that only look like them. */
const TRICKY = [
  '=1+1', '=HYPERLINK("http://example.com/?leak","click")', '+1+1', '-1+1', '@SUM(1)', '\t=1+1', '\r=1+1', "'=1+1", "-2+3+cmd|' /C calc'!A0",
  '+1-555-0100', '-1 -1', '+1 (555) 010-0100',
  // Read as written: a phone number, a negative number.
  '+49 30 1000028', '+44 20 7946 0958', '+49 (0)30 1000028', '+44 (0) 20 7946 0958', '+49 (30) 1000028', '-5', '-1.5', '-', '---', '-1.234,56', '-5%',
];
const AS_WRITTEN = new Set(['+49 30 1000028', '+44 20 7946 0958', '+49 (0)30 1000028', '+44 (0) 20 7946 0958', '+49 (30) 1000028', '-5', '-1.5', '-', '---', '-1.234,56', '-5%']);
/** What Calc makes of those it reads as numbers (the others are text, as written). */
const NUMBERS: Record<string, [string, number]> = { '-5': ['float', -5], '-1.5': ['float', -1.5], '-5%': ['percentage', -0.05] };

interface Cell {
  formula: string | undefined;
  type: string | undefined;
  value: string | undefined;
  text: string;
}

/** The cells of a flat ODF spreadsheet (.fods) by row: what Calc made of each, its formula if it stored one. */
function fodsCells(xml: string): Cell[][] {
  const body = xml.slice(xml.indexOf('<office:spreadsheet'));
  const text = (inner: string) =>
    [...inner.matchAll(/<text:p[^>]*>([\s\S]*?)<\/text:p>|<text:p[^>]*\/>/g)]
      .map((p) => (p[1] ?? '').replace(/<text:tab\/>/g, '\t').replace(/<text:line-break\/>/g, '\n').replace(/<text:s(?: text:c="(\d+)")?\/>/g, (_, n: string | undefined) => ' '.repeat(Number(n ?? 1))).replace(/<[^>]+>/g, ''))
      .join('\n')
      .replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...body.matchAll(/<table:table-row[^>]*>([\s\S]*?)<\/table:table-row>/g)].map((row) =>
    [...row[1]!.matchAll(/<table:table-cell([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g)].map((cell) => {
      const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(cell[1]!)?.[1];
      return { formula: attribute('table:formula'), type: attribute('office:value-type'), value: attribute('office:value'), text: text(cell[2] ?? '') };
    }),
  );
}

/**
 * hrsync's CSV export written as a file, opened by LibreOffice Calc (headless, a profile of its own)
 * and saved as .fods, which keeps each cell's type and any formula Calc stored. Its CSV filter options:
 * the dialect's separator, UTF-8, "detect special numbers" and "evaluate formulas" on — what a person
 * opening the file would get at most.
 */
async function openedInCalc(dialect: CsvDialect): Promise<Cell[][]> {
  const dir = tempDir();
  const csv = join(dir, 'export.csv');
  const writer = await openWriter(csv, 'csv', [{ field: 'id', header: 'id' }, { field: 'value', header: 'value' }], process.stdout, undefined, dialect);
  await writer.write(TRICKY.map((value, i) => ({ id: `row${i}`, value })));
  await writer.commit();
  const filter = `CSV:${dialect.delimiter.charCodeAt(0)},34,76,1,,1033,false,true,false,false,false,-1,true`;
  // A hung LibreOffice is killed rather than left to hold the run (a guard, not a speed goal).
  await promisify(execFile)(soffice!, [`-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`, '--headless', `--infilter=${filter}`, '--convert-to', 'fods', '--outdir', dir, csv], {
    env: { ...process.env, HOME: dir },
    timeout: PATIENCE_MS,
    killSignal: 'SIGKILL',
  });
  return fodsCells(readFileSync(join(dir, 'export.fods'), 'utf8'));
}

describe.skipIf(!soffice)('the formula guard, as LibreOffice Calc opens hrsync’s CSV (needs soffice, Debian’s libreoffice-calc-nogui: skipped without it)', () => {
  for (const name of ['standard', 'excel'] as const)
    it(`${name} dialect: no formula is stored or run; numbers and phone numbers read exactly as written`, async () => {
      const rows = await openedInCalc(CSV_DIALECTS[name]);
      expect(rows[0]!.slice(0, 2).map((c) => c.text)).toEqual(['id', 'value']);
      for (const [i, written] of TRICKY.entries()) {
        const [id, cell] = rows[i + 1]!;
        expect(id!.text).toBe(`row${i}`);
        expect(cell!.formula, JSON.stringify(written)).toBeUndefined();
        if (AS_WRITTEN.has(written)) {
          expect(neutralise(written)).toBe(written);
          if (NUMBERS[written]) expect([cell!.type, Number(cell!.value)]).toEqual(NUMBERS[written]);
          else expect([cell!.type, cell!.text]).toEqual(['string', written]);
        } else {
          // Guarded: text, the ' shown before what was written (a CR Calc reads as the line break it is).
          expect(cell!.type, JSON.stringify(written)).toBe('string');
          expect(cell!.text.replace(/\n/g, '\r')).toBe(`'${written}`);
        }
      }
    });

  it('runs a formula hrsync did not guard (the check itself can fail)', async () => {
    const rows = await openedInCalc(CSV_DIALECTS.machine);
    const cell = rows[1 + TRICKY.indexOf('=1+1')]![1]!;
    expect([cell.formula, cell.value]).toEqual(['of:=1+1', '2']);
  });
});
