import { describe, expect, it } from 'vitest';
import { readLookupTable } from '../../src/io/lookup-table.js';
import { summary, tempDir, write } from '../helpers/files.js';
import { bookParts, partOrders, repeatedPart, SHEET_HEAD, SHEET_TAIL, SST_HEAD, SST_TAIL, textRow, xlsxBytes, zipBytes, type BookSpec } from '../helpers/xlsx-bytes.js';

const dir = tempDir();
let n = 0;
/** Writes a workbook's bytes to a fresh file named like a workbook, and reads it. */
const read = (bytes: Buffer, options: { sheet?: string } = {}) => summary(write(dir, `book${n++}.xlsx`, bytes), options);
const HEADER = textRow(1, ['Employee ID', 'First name', 'Last name', 'Start date']);

describe('Excel workbooks, read from their bytes', () => {
  it('reads shared strings, styles and the list of sheets whatever their order in the zip, stored or deflated', async () => {
    const spec: BookSpec = {
      sheets: [{ name: 'Staff', rows: HEADER + '<row r="2"><c r="A2"><v>1001</v></c><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" s="1"><v>45356</v></c></row>' }],
      strings: ['Ann', '<si><r><t>Le</t></r><r><rPr><b/></rPr><t>e</t></r></si>'],
      numFmts: { 164: 'dd/mm/yyyy' },
      styles: [164],
    };
    const parts = bookParts(spec);
    const orders = partOrders(['sheet1']);
    expect(orders.length).toBeGreaterThan(100);
    for (const [i, order] of orders.entries()) {
      const { records, problems } = await read(zipBytes(order.map((role) => ({ ...parts[role]!, deflate: i % 2 === 0 }))));
      expect([records, problems], order.join(' ')).toEqual([[[2, { 'Employee ID': '1001', 'First name': 'Ann', 'Last name': 'Lee', 'Start date': '2024-03-05' }]], []]);
    }
  });

  it('joins the runs of rich text, inline or shared, and leaves out phonetic guides', async () => {
    const rows = HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><r><t>Jo</t></r><r><rPr><i/></rPr><t>hn</t></r></is></c><c r="B2" t="s"><v>0</v></c></row>';
    const { records } = await read(xlsxBytes({ sheets: [{ name: 'S', rows }], strings: ['<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>'] }));
    expect(records).toEqual([[2, { 'Employee ID': 'John', 'First name': '東京', 'Last name': null, 'Start date': null }]]);
  });

  it('reads each kind of cell as a person sees it: text, a formula’s text result, true/false, numbers as written, ISO dates, entities and Excel’s _xHHHH_ escapes; cells and rows with no r follow the one before', async () => {
    const rows =
      textRow(1, ['a', 'b', 'c', 'd', 'e', 'f', 'g']) +
      '<row><c t="str"><f>UPPER("x")</f><v>X &amp; &lt;Y&gt;</v></c><c t="b"><v>1</v></c><c t="b"><v>0</v></c><c><v>0.30000000000000004</v></c><c t="d"><v>2024-02-29T00:00:00Z</v></c>' +
      '<c t="inlineStr"><is><t xml:space="preserve">  two  spaces </t></is></c><c t="inlineStr"><is><t>a_x0007_b_x005F_x000D_</t></is></c></row>' +
      '<row r="5"><c r="C5"><v>-1.5E+3</v></c></row>';
    const { records, problems } = await read(xlsxBytes({ sheets: [{ name: 'S', rows }] }));
    expect(problems).toEqual([]);
    expect(records).toEqual([
      [2, { a: 'X & <Y>', b: true, c: false, d: '0.30000000000000004', e: '2024-02-29', f: '  two  spaces ', g: 'a\u0007b_x000D_' }],
      [5, { a: null, b: null, c: '-1500', d: null, e: null, f: null, g: null }],
    ]);
  });

  it('reads dates in the 1904 date system, built-in date formats, and a time as its day (Excel’s day 0: 1900-01-00, or 1904-01-01)', async () => {
    const rows = textRow(1, ['a', 'b', 'c']) + '<row r="2"><c r="A2" s="1"><v>43890</v></c><c r="B2" s="2"><v>0.5</v></c><c r="C2" s="3"><v>12</v></c></row>';
    const spec = (date1904: boolean): BookSpec => ({ sheets: [{ name: 'S', rows }], date1904, styles: [14, 20, 164], numFmts: { 164: '"Day "0' } });
    expect((await read(xlsxBytes(spec(false)))).records).toEqual([[2, { a: '2020-02-29', b: '1899-12-31', c: '12' }]]);
    expect((await read(xlsxBytes(spec(true)))).records).toEqual([[2, { a: '2024-03-01', b: '1904-01-01', c: '12' }]]);
  });

  it('a date serial past 9999-12-31 is an error in either date system (the 1904 system ends 1,462 days sooner), and a shared string index that is not a number refers to no string', async () => {
    const rows = textRow(1, ['a', 'b']) + '<row r="2"><c r="A2" s="1"><v>2957003</v></c></row><row r="3"><c r="A3" s="1"><v>2957004</v></c></row><row r="4"><c r="B4" t="s"><v></v></c></row>';
    const { records, problemDetails } = await read(xlsxBytes({ sheets: [{ name: 'S', rows }], date1904: true, styles: [14], strings: ['Ann'] }));
    expect(records).toEqual([[2, { a: '9999-12-31', b: null }]]);
    expect(problemDetails.map((p) => [p.line, p.column, p.code, p.message])).toEqual([
      [3, 1, 'excel_error', 'sheet "S", cell A3: 2957004 is not a date Excel can show'],
      [4, 2, 'excel_error', 'sheet "S", cell B4: the cell refers to shared string (none), which the workbook does not have'],
    ]);
  });

  it('an Excel error cell, or a formula whose cached result is an error, is an excel_error naming sheet, row and column: never a blank, never the text #DIV/0!', async () => {
    const rows = HEADER + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="e"><v>#DIV/0!</v></c></row>' + '<row r="3"><c r="A3"><v>2</v></c><c r="C3" t="e"><f>VLOOKUP(A3,X!A:B,2,0)</f><v>#N/A</v></c><c r="D3" t="e"><v>#REF!</v></c></row>';
    const { records, problemDetails } = await read(xlsxBytes({ sheets: [{ name: 'Staff', rows }] }));
    expect(records).toEqual([]);
    expect(problemDetails).toEqual([
      expect.objectContaining({ line: 2, column: 2, code: 'excel_error', value: '#DIV/0!', fatal: false, message: 'sheet "Staff", cell B2: the cell holds the Excel error #DIV/0!' }),
      expect.objectContaining({ line: 3, column: 3, code: 'excel_error', value: '#N/A', message: 'sheet "Staff", cell C3: the cell holds the Excel error #N/A (and 1 more cell in this row)' }),
    ]);
  });

  it('a cell that cannot be read (a shared string the table lacks, an unknown type, a formula never calculated, a number that is not one) is an error, never a value', async () => {
    const rows =
      HEADER +
      '<row r="2"><c r="B2" t="s"><v>7</v></c></row><row r="3"><c r="B3" t="x"><v>1</v></c></row>' +
      '<row r="4"><c r="B4"><f>1+1</f></c></row><row r="5"><c r="B5"><v>12abc</v></c></row><row r="6"><c r="B6" t="s"/></row>';
    const { records, problemDetails } = await read(xlsxBytes({ sheets: [{ name: 'S', rows }], strings: ['Ann'] }));
    expect(records).toEqual([]);
    expect(problemDetails.map((p) => [p.line, p.column, p.code])).toEqual([2, 3, 4, 5, 6].map((line) => [line, 2, 'excel_error']));
    expect(problemDetails.map((p) => p.message)).toEqual([
      'sheet "S", cell B2: the cell refers to shared string 7, which the workbook does not have',
      'sheet "S", cell B3: the cell has a type ("x") that no workbook cell has',
      'sheet "S", cell B4: the formula here has no saved result (the workbook was never calculated)',
      'sheet "S", cell B5: "12abc" is not a number',
      'sheet "S", cell B6: the cell refers to shared string (none), which the workbook does not have',
    ]);
  });

  it('one cell far away (column XFD) is one issue, in a data row or in the header: no 16,000 empty columns', async () => {
    const data = HEADER + '<row r="2"><c r="A2"><v>1</v></c><c r="XFD2" t="inlineStr"><is><t>stray</t></is></c></row>';
    const one = await read(xlsxBytes({ sheets: [{ name: 'S', rows: data }] }));
    expect(one.header?.columns).toEqual(['Employee ID', 'First name', 'Last name', 'Start date']);
    expect(one.records).toHaveLength(1);
    expect(one.problemDetails).toEqual([expect.objectContaining({ line: 2, column: 16384, code: 'ragged_row', value: 'stray', message: 'sheet "S", cell XFD2: column XFD has a value but no name in the header row' })]);

    const header = textRow(1, ['Employee ID', 'First name']).replace('</row>', '<c r="XFD1" t="inlineStr"><is><t>Far</t></is></c></row>') + '<row r="2"><c r="A2"><v>1</v></c><c r="XFD2"><v>2</v></c></row>';
    const far = await read(xlsxBytes({ sheets: [{ name: 'S', rows: header }] }));
    expect(far.header?.columns).toEqual(['Employee ID', 'First name', 'Far']);
    expect(far.records).toEqual([[2, { 'Employee ID': '1', 'First name': null, Far: '2' }]]);
    expect(far.problemDetails).toEqual([expect.objectContaining({ line: 1, column: 3, code: 'empty_header', message: 'sheet "S", columns C to XFC (16,381 columns) have no name in the header' })]);
  });

  it('reads the first visible sheet, skipping hidden and very hidden ones; --sheet names any sheet, hidden ones too', async () => {
    const sheet = (name: string, state?: 'hidden' | 'veryHidden') => ({ name, state, rows: textRow(1, ['Employee ID']) + textRow(2, [name]) });
    const bytes = xlsxBytes({ sheets: [sheet('Old', 'hidden'), sheet('Lookup', 'veryHidden'), sheet('Staff')] });
    expect((await read(bytes)).records).toEqual([[2, { 'Employee ID': 'Staff' }]]);
    expect((await read(bytes, { sheet: 'old' })).records).toEqual([[2, { 'Employee ID': 'Old' }]]);
    expect((await read(bytes, { sheet: 'LOOKUP' })).records).toEqual([[2, { 'Employee ID': 'Lookup' }]]);
    const missing = await read(bytes, { sheet: 'People' });
    expect(missing.problemDetails).toEqual([expect.objectContaining({ code: 'no_records', fatal: true, message: 'the workbook has no sheet named "People" (its sheets: Old (hidden), Lookup (very hidden), Staff)' })]);
    const allHidden = await read(xlsxBytes({ sheets: [sheet('Old', 'hidden')] }));
    expect(allHidden.problemDetails).toEqual([expect.objectContaining({ code: 'no_records', fatal: true, message: 'the workbook has no visible sheet of cells (its sheets: Old (hidden))' })]);
  });
});

describe('Excel workbooks that would cost too much, or cannot be read', () => {
  const fatal = async (bytes: Buffer) => {
    const { records, problemDetails } = await read(bytes);
    expect(records).toEqual([]);
    expect(problemDetails).toHaveLength(1);
    expect(problemDetails[0]!.fatal).toBe(true);
    return problemDetails[0]!;
  };
  const staff = (strings?: string[]) => ({ sheets: [{ name: 'Staff', rows: HEADER + '<row r="2"><c r="A2"><v>1</v></c></row>' }], strings });

  it('more than 2,000,000 shared strings is too_large, found before the table is read to its end', async () => {
    const parts = bookParts(staff([]));
    // Stored, not deflated: so repetitive a table would trip the deflate-bomb bound first.
    parts.strings = { name: 'xl/sharedStrings.xml', data: SST_HEAD + '<si><t>a</t></si>'.repeat(2_000_001) + SST_TAIL, deflate: false };
    const problem = await fatal(zipBytes(Object.values(parts)));
    expect(problem).toMatchObject({ code: 'too_large', message: "the workbook cannot be read: the workbook's shared strings hold more than 2,000,000 strings" });
  });

  it('shared strings holding more than 64 MB of text are too_large', async () => {
    const parts = bookParts(staff([]));
    parts.strings = { name: 'xl/sharedStrings.xml', data: SST_HEAD + `<si><t>${'a'.repeat(1 << 20)}</t></si>`.repeat(65) + SST_TAIL, deflate: false };
    expect(await fatal(zipBytes(Object.values(parts)))).toMatchObject({ code: 'too_large', message: "the workbook cannot be read: the workbook's shared strings hold more than 64 MB of text" });
  });

  it('a row holding more than 16 MB of text is too_large naming sheet, row and column, and the rows after it are read', async () => {
    const rows = HEADER + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>0</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>';
    const { records, problemDetails } = await read(xlsxBytes({ sheets: [{ name: 'Staff', rows }], strings: ['a'.repeat(9 << 20)] }));
    expect(records.map(([line]) => line)).toEqual([3]);
    expect(problemDetails).toEqual([expect.objectContaining({ line: 2, column: 3, code: 'too_large', fatal: false, message: 'sheet "Staff", cell C2: this row holds more than 16 MB of text' })]);
  });

  it('a part that inflates to more than 100 times its size (a deflate bomb) is too_large, refused long before its end', async () => {
    const parts = bookParts(staff());
    parts.sheet1 = await repeatedPart('xl/worksheets/sheet1.xml', SHEET_HEAD + HEADER, '<x/>', 50_000_000, SHEET_TAIL); // 200 MB of XML in about 200 KB
    const started = Date.now();
    const problem = await fatal(zipBytes(Object.values(parts)));
    expect(problem).toMatchObject({ code: 'too_large', message: 'the workbook cannot be read: part xl/worksheets/sheet1.xml inflates to more than 100 times its size in the file (a zip bomb?)' });
    expect(Date.now() - started).toBeLessThan(20_000); // bounded: read to 100 times the part's size, not to its end
  });

  it('a part that inflates to more than the zip says, or whose CRC is wrong, is a damaged workbook', async () => {
    const parts = bookParts(staff());
    const lying = await fatal(zipBytes(Object.values({ ...parts, sheet1: { ...parts.sheet1!, claimedSize: 100 } })));
    expect(lying).toMatchObject({ code: 'malformed_csv', message: 'the workbook cannot be read: part xl/worksheets/sheet1.xml inflates to more than the 100 bytes the zip says it holds' });
    const stored = zipBytes(Object.values({ ...parts, sheet1: { ...parts.sheet1!, deflate: false } }));
    const flipped = Buffer.from(stored);
    flipped[flipped.indexOf('<v>1</v>') + 3] = 0x32; // the 1 in A2 becomes a 2, the CRC stays
    const { problemDetails } = await read(flipped); // found at the part's end, after its rows: the file's records are not imported
    expect(problemDetails.at(-1)).toMatchObject({ fatal: true, code: 'malformed_csv', message: 'the workbook cannot be read: part xl/worksheets/sheet1.xml is damaged (its size or CRC is not the one the zip records)' });
  });

  it('a workbook that is cut short, ZIP64, encrypted, or holds a DTD is one fatal problem with a hint, never a crash', async () => {
    const whole = xlsxBytes(staff());
    expect(await fatal(whole.subarray(0, whole.length - 30))).toMatchObject({ code: 'malformed_csv', message: expect.stringContaining('its ZIP directory is missing'), hint: expect.any(String) });
    expect(await fatal(zipBytes(Object.values(bookParts(staff())), { zip64: true }))).toMatchObject({ code: 'malformed_csv', message: expect.stringContaining('is a ZIP64 archive'), hint: expect.stringContaining('CSV') });
    const parts = bookParts(staff(['Ann']));
    expect(await fatal(zipBytes(Object.values({ ...parts, workbook: { ...parts.workbook!, encrypted: true } })))).toMatchObject({ code: 'malformed_csv', message: 'the workbook cannot be read: the workbook is encrypted', hint: expect.stringContaining('password') });
    const laughs = `<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst xmlns="x"><si><t>&b;</t></si></sst>`;
    expect(await fatal(zipBytes(Object.values({ ...parts, strings: { name: 'xl/sharedStrings.xml', data: laughs } })))).toMatchObject({ code: 'malformed_csv', message: 'the workbook cannot be read: part xl/sharedStrings.xml declares a DTD, which no workbook has' });
  });
});

describe('Excel header rows', () => {
  it('a column named like one before it is one duplicate_header at the header: its values are not read, and not called stray', async () => {
    const rows = textRow(1, ['Employee ID', 'First name', 'first name']) + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Ann</t></is></c><c r="C2" t="inlineStr"><is><t>Anne</t></is></c></row>';
    const { records, problemDetails } = await read(xlsxBytes({ sheets: [{ name: 'S', rows }] }));
    expect(records).toEqual([[2, { 'Employee ID': '1', 'First name': 'Ann' }]]);
    expect(problemDetails).toEqual([expect.objectContaining({ line: 1, code: 'duplicate_header', message: 'column C "first name" has the same name as column B' })]);
  });
});

describe('Excel value tables (a mapping file’s `file`)', () => {
  it('are read as input workbooks are: the first visible sheet, shared strings in any order, an error cell or a bomb a usage error naming the table', async () => {
    const rows = textRow(1, ['HR value', 'Target value']) + '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row><row r="3"><c r="A3"><v>300</v></c><c r="B3" t="inlineStr"><is><r><t>ACME</t></r><r><t>03</t></r></is></c></row>';
    const spec: BookSpec = { sheets: [{ name: 'Old', state: 'hidden', rows: textRow(1, ['a', 'b']) + textRow(2, ['old', 'OLD']) }, { name: 'Map', rows }], strings: ['HR-100', 'ACME01'] };
    const table = write(dir, `table${n++}.xlsx`, xlsxBytes(spec, ['types', 'rels', 'sheet1', 'sheet2', 'strings']));
    expect(await readLookupTable(table, 'companies.xlsx')).toEqual([
      { from: 'HR-100', to: 'ACME01', line: 2 },
      { from: '300', to: 'ACME03', line: 3 },
    ]);
    const broken = write(dir, `table${n++}.xlsx`, xlsxBytes({ sheets: [{ name: 'Map', rows: rows.replace('<c r="B2" t="s"><v>1</v></c>', '<c r="B2" t="e"><v>#N/A</v></c>') }], strings: ['HR-100'] }));
    await expect(readLookupTable(broken, 'companies.xlsx')).rejects.toThrow('companies.xlsx:2: sheet "Map", cell B2: the cell holds the Excel error #N/A');
    const parts = bookParts({ sheets: [{ name: 'Map', rows: '' }] });
    parts.sheet1 = await repeatedPart('xl/worksheets/sheet1.xml', SHEET_HEAD, '<x/>', 10_000_000, SHEET_TAIL);
    const bomb = write(dir, `table${n++}.xlsx`, zipBytes(Object.values(parts)));
    await expect(readLookupTable(bomb, 'companies.xlsx')).rejects.toThrow('value table companies.xlsx cannot be read as a workbook: part xl/worksheets/sheet1.xml inflates to more than 100 times its size');
  });
});
