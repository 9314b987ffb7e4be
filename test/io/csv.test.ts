import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReadOptions } from '../../src/io/types.js';
import { summary, tempDir, write } from '../helpers/files.js';

const dir = tempDir();
const spectrum = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));

// Every reader test runs on both paths: the scanner (with csv-parse taking over what it cannot read)
// and csv-parse alone, the reference. They must agree on every record, line and problem.
for (const csvParser of ['scanner', 'csv-parse'] as const) describe(`read by ${csvParser}`, () => {
  const read = (path: string, options: ReadOptions = {}) => summary(path, { ...options, csvParser });

  describe('csv-spectrum conformance', () => {
    for (const name of readdirSync(join(spectrum, 'csvs')).map((f) => f.replace(/\.csv$/, ''))) {
      it(`reads ${name}.csv as its expected records`, async () => {
        const parsed = JSON.parse(readFileSync(join(spectrum, 'json', `${name}.json`), 'utf8')) as unknown;
        // One fixture (location_coordinates) stores its single record as a bare object.
        const expected = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, string>>;
        // And its JSON has another phone number than its CSV (an upstream slip): the CSV is the input.
        if (name === 'location_coordinates') expected[0]!['Contact Phone Number'] = '2095257564';
        const { records, problems } = await read(join(spectrum, 'csvs', `${name}.csv`));
        expect(problems).toEqual([]);
        expect(records.map(([, values]) => values)).toEqual(expected);
      });
    }
  });

  describe('line numbers', () => {
    const body = (eol: string) => ['id,note', '1,plain', '', `2,"spans${eol}two lines"`, '3,after', ''].join(eol);
    for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']] as const) {
      it(`counts physical lines with ${name} endings, blank lines and quoted line breaks`, async () => {
        const { records } = await read(write(dir, `lines-${name}.csv`, body(eol)));
        expect(records.map(([line]) => line)).toEqual([2, 4, 6]);
        expect(records[1]![1].note).toBe(`spans${eol}two lines`);
      });
    }

    it('keeps counting right across read chunks, with multi-byte characters split between them', async () => {
      const rows = ['name,town'];
      for (let i = 0; i < 30_000; i++) rows.push(i % 1000 === 0 ? `"Zoë ${i}\nsecond line",Köln` : `Zoë ${i},Łódź`);
      const { records, problems } = await read(write(dir, 'big.csv', rows.join('\n') + '\n'));
      expect(problems).toEqual([]);
      expect(records).toHaveLength(30_000);
      // Each quoted two-line value pushes every later record one line down.
      const last = records.at(-1)!;
      expect(last[0]).toBe(30_001 + 30);
      expect(last[1]).toEqual({ name: 'Zoë 29999', town: 'Łódź' });
    });

    it('skips rows whose cells are all empty (Excel writes ;;;; lines) but keeps counting them', async () => {
      const { records } = await read(write(dir, 'empty-cells.csv', 'a;b\n1;2\n;\n3;4\n'));
      expect(records.map(([line]) => line)).toEqual([2, 4]);
    });
  });

  describe('delimiters', () => {
    for (const [name, d] of [['comma', ','], ['semicolon', ';'], ['tab', '\t'], ['pipe', '|']] as const) {
      it(`detects ${name}`, async () => {
        const { header, records } = await read(write(dir, `d-${name}.csv`, `first${d}last${d}note\nAnn${d}Lee${d}"x, y; z | w"\n`));
        expect(header?.delimiter).toBe(d);
        expect(records[0]![1]).toEqual({ first: 'Ann', last: 'Lee', note: 'x, y; z | w' });
      });
    }

    it('prefers the delimiter that splits every line alike over one that merely appears often', async () => {
      const text = 'name;town\n"Smith, John";York\n"Lee, Ann";Leeds\n';
      const { header } = await read(write(dir, 'd-mixed.csv', text));
      expect(header?.delimiter).toBe(';');
    });

    it('uses --delimiter when given', async () => {
      const { records } = await read(write(dir, 'd-forced.csv', 'a;b,c\n1;2,3\n'), { delimiter: ',' });
      expect(records[0]![1]).toEqual({ 'a;b': '1;2', c: '3' });
    });
  });

  describe('encodings', () => {
    const text = 'first,last\nJosé,Müller\n';
    it('reads UTF-8 with a BOM and drops the BOM from the first header', async () => {
      const { header, records } = await read(write(dir, 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])));
      expect(header?.columns).toEqual(['first', 'last']);
      expect(records[0]![1]).toEqual({ first: 'José', last: 'Müller' });
    });

    it('reads UTF-16 LE and BE by their BOM', async () => {
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      const be = Buffer.from(le);
      be.swap16();
      for (const [name, bytes, encoding] of [['le', le, 'utf-16le'], ['be', be, 'utf-16be']] as const) {
        const { header, records } = await read(write(dir, `utf16${name}.csv`, bytes));
        expect(header?.encoding).toBe(encoding);
        expect(records[0]![1]).toEqual({ first: 'José', last: 'Müller' });
      }
    });

    it('refuses Windows-1252 bytes without --encoding, naming the first bad line', async () => {
      const bytes = Buffer.from('first,last\nAnn,Lee\nJos\xe9,M\xfcller\n', 'latin1');
      const { problemDetails, records } = await read(write(dir, 'cp1252.csv', bytes));
      expect(records).toEqual([]);
      expect(problemDetails).toHaveLength(1);
      expect(problemDetails[0]).toMatchObject({ line: 3, code: 'encoding', fatal: true });
      expect(problemDetails[0]!.hint).toContain('--encoding windows-1252');
    });

    it('finds the bad line when it is far into a large file', async () => {
      const head = 'a,b\n' + 'x,y\n'.repeat(100_000);
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from('caf\xe9,z\n', 'latin1')]);
      const { problems } = await read(write(dir, 'late-bad.csv', bytes));
      expect(problems).toEqual([[100_002, 'encoding']]);
    });

    it('reads Windows-1252 and Latin-1 when named', async () => {
      const bytes = Buffer.from('first,last\nJos\xe9,M\xfcller \x80\n', 'latin1');
      const path = write(dir, 'named.csv', bytes);
      for (const encoding of ['windows-1252', 'latin1', 'cp1252']) {
        const { records } = await read(path, { encoding });
        expect(records[0]![1]).toEqual({ first: 'José', last: 'Müller €' });
      }
    });
  });

  describe('malformed CSV', () => {
    it('reports rows with more or fewer cells than the header, and carries on', async () => {
      const { problems, records } = await read(write(dir, 'ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n'));
      expect(problems).toEqual([[3, 'ragged_row'], [4, 'ragged_row']]);
      expect(records.map(([line]) => line)).toEqual([2, 3, 4, 5]);
    });

    it('reports an unterminated quote at the line where the record starts, keeping the rows before it', async () => {
      const { problemDetails, records } = await read(write(dir, 'unterminated.csv', 'a,b\n1,2\n\n3,"never closed\n4,5\n'));
      expect(records.map(([line]) => line)).toEqual([2]);
      expect(problemDetails).toMatchObject([{ line: 4, code: 'unterminated_quote', fatal: true }]);
    });

    it('reports empty and duplicate header names', async () => {
      const { problemDetails } = await read(write(dir, 'bad-header.csv', 'Email,,email\nx@y.nl,1,z@y.nl\n'));
      expect(problemDetails.map((p) => [p.line, p.code])).toEqual([[1, 'empty_header'], [1, 'duplicate_header']]);
      expect(problemDetails[1]!.message).toContain('column 3 "email" has the same name as column 1');
    });
  });

  describe('Excel artefacts', () => {
    it('drops trailing unnamed columns, but reports a value in one', async () => {
      const { header, records, problemDetails } = await read(write(dir, 'trailing.csv', 'first;last;;\r\nAnn;Lee;;\r\nBo;Ek;;oops\r\n'));
      expect(header?.columns).toEqual(['first', 'last']);
      expect(records.map(([line, values]) => [line, values])).toEqual([[2, { first: 'Ann', last: 'Lee' }], [3, { first: 'Bo', last: 'Ek' }]]);
      expect(problemDetails.map((p) => [p.line, p.code, p.message])).toEqual([[3, 'empty_header', 'column 4 has a value but no name in the header (line 1)']]);
    });

    it('still reports an unnamed column between named ones', async () => {
      const { problems } = await read(write(dir, 'middle.csv', 'first,,last\nAnn,x,Lee\n'));
      expect(problems).toEqual([[1, 'empty_header']]);
    });
  });
});
