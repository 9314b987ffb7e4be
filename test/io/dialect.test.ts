import { describe, expect, it } from 'vitest';
import { csvText, CSV_DIALECTS, encodeCsv, fitWords, STANDARD_DIALECT, type CsvDialect } from '../../src/io/dialect.js';
import { sniffEol } from '../../src/io/delimiter.js';
import { neutralise, runnable, unneutralise } from '../../src/io/formula.js';
import { summary, tempDir, write } from '../helpers/files.js';

describe('the formula guard (issue 25 item 3)', () => {
  it('guards what a spreadsheet could run, Excel included', () => {
    for (const cell of ['=1+1', '=HYPERLINK("http://x")', '+1+1', '-1+1', '@SUM(1)', '\t=1+1', '\r=1+1', '\0x', '+1-555-0100', '-1 -1', '+49 30-1000', '+1 (555) 010-0100', '+49 (1+1) 2', "-2+3+cmd|' /C calc'!A0", '+A1', '-Smith', '+ 1', '+01:00', '-5%%', '-1e3e3'])
      expect([cell, neutralise(cell)]).toEqual([cell, `'${cell}`]);
  });

  it('leaves numbers and phone numbers as written: nothing in them can run', () => {
    for (const cell of ['+49 30 1000028', '+44 20 7946 0958', '+49 (0)30 1000028', '+44 (0) 20 7946 0958', '+49 (30) 1000028', '+1 (555) 010 0100', '+7 495 1234567', '-5', '+5', '-1.5', '-1,5', '-2e3', '-1.234,56', '-1,234.56', '-5%', '-', '---', 'Ann', '', "O'Brien", 'a=b'])
      expect([cell, runnable(cell), neutralise(cell)]).toEqual([cell, false, cell]);
  });

  it('reads back exactly what it wrote, a value that starts with its own apostrophes too', () => {
    const values = ["'=1+1", "''=1+1", "'+49 30 1000028", "'", "''", "'a", '=1', '+49 30 1000028', "'-5", '-5', "'\t"];
    for (const value of values) expect([value, unneutralise(neutralise(value))]).toEqual([value, value]);
    expect(unneutralise("'+49 30 1000028")).toBe('+49 30 1000028'); // what hrsync wrote before: read as the number
  });
});

describe('CSV dialects (issue 25 item 2)', () => {
  it('finds the line ends of a file, outside quoted values', () => {
    expect(sniffEol('a;b\r\nc;d\r\n')).toBe('\r\n');
    expect(sniffEol('a,"x\r\ny"\nc,d\n')).toBe('\n');
    expect(sniffEol('a,b\rc,d\r')).toBe('\r');
    expect(sniffEol('a,b')).toBe('\n');
  });

  it('records how a CSV file is written when it is read', async () => {
    const dir = tempDir();
    const bytes = Buffer.from('Name;Ort\r\nJürgen;Köln\r\n', 'latin1');
    expect((await summary(write(dir, 'a.csv', bytes), { encoding: 'windows-1252' })).header?.dialect).toEqual({ encoding: 'windows-1252', bom: false, delimiter: ';', eol: '\r\n', quote: '"', formulaGuard: true });
    expect((await summary(write(dir, 'b.csv', '\uFEFFName,Ort\nAnn,Rom\n'))).header?.dialect).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ',', eol: '\n' });
    expect((await summary(write(dir, 'c.csv', Buffer.from('\uFEFFName\tOrt\r\nAnn\tRom\r\n', 'utf16le')))).header?.dialect).toMatchObject({ encoding: 'utf-16le', bom: true, delimiter: '\t', eol: '\r\n' });
  });

  it('writes in a dialect: its delimiter and line ends, any line break quoted, formulas guarded unless for a machine', () => {
    const rows = [['a;b', 'c\nd', 'e\rf', '=1+1', '+49 30 1000028']];
    expect(csvText(rows, { ...STANDARD_DIALECT, delimiter: ';', eol: '\r\n' })).toBe('"a;b";"c\nd";"e\rf";\'=1+1;+49 30 1000028\r\n');
    expect(csvText(rows, CSV_DIALECTS.machine)).toBe('a;b,"c\nd","e\rf",=1+1,+49 30 1000028\n');
  });

  it('guards a header like any cell, and reads it back as it was', async () => {
    const text = csvText([['=HYPERLINK("x")', 'Phone'], ['-1+1', '+49 30 1000028']], STANDARD_DIALECT);
    expect(text).toBe(`"'=HYPERLINK(""x"")",Phone\n'-1+1,+49 30 1000028\n`);
    const read = await summary(write(tempDir(), 'h.csv', text));
    expect(read.header?.columns).toEqual(['=HYPERLINK("x")', 'Phone']);
    expect(read.records).toEqual([[2, { '=HYPERLINK("x")': '-1+1', Phone: '+49 30 1000028' }]]);
  });

  it('encodes in the input’s encoding, with its BOM', () => {
    const cp1252: CsvDialect = { ...CSV_DIALECTS.excel, encoding: 'windows-1252', bom: false };
    expect(encodeCsv('Müller;€\r\n', cp1252)).toEqual({ bytes: Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x3b, 0x80, 0x0d, 0x0a]), encoding: 'windows-1252' });
    expect(encodeCsv('é', { ...STANDARD_DIALECT, bom: true }).bytes).toEqual(Buffer.from([0xef, 0xbb, 0xbf, 0xc3, 0xa9]));
    expect(encodeCsv('é', { ...STANDARD_DIALECT, encoding: 'utf-16be', bom: true }).bytes).toEqual(Buffer.from([0xfe, 0xff, 0x00, 0xe9]));
    expect(encodeCsv('é', { ...STANDARD_DIALECT, encoding: 'utf-16le', bom: false }).bytes).toEqual(Buffer.from([0xe9, 0x00]));
  });

  it('never loses a character its encoding cannot hold: the file is UTF-8 with a BOM instead, and says why', () => {
    const cp1252: CsvDialect = { ...STANDARD_DIALECT, encoding: 'windows-1252' };
    const written = encodeCsv('Müller,Иван\n', cp1252);
    expect(written.encoding).toBe('utf-8');
    expect(written.bytes.toString('utf8')).toBe('\uFEFFMüller,Иван\n');
    expect(written.fallback).toBe('written as UTF-8 with a BOM, not windows-1252 like its input: "И" (U+0418) has no windows-1252 byte');
    expect(encodeCsv('a\n', { ...STANDARD_DIALECT, encoding: 'shift_jis' }).fallback).toContain('hrsync does not write shift_jis');
  });

  it('spells hrsync’s own symbols plainly where the encoding has none, keeping those it has', () => {
    expect(fitWords('companyId: C-77 → ACME01 – “ok” …', 'windows-1252')).toBe('companyId: C-77 -> ACME01 – “ok” …');
    expect(fitWords('a → b', 'utf-8')).toBe('a → b');
  });
});
