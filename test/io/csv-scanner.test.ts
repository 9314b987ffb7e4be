import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rulesNamed } from '../../src/connectors/registry.js';
import { compileMapping, loadMapping } from '../../src/core/mapping/mapping-file.js';
import { validateFiles, type ValidateOptions } from '../../src/core/validate/validate-files.js';
import { CsvScanner } from '../../src/io/csv-scanner.js';
import { STDIN_NAME } from '../../src/io/paths.js';
import { readRecords } from '../../src/io/records.js';
import type { ReadEvent } from '../../src/io/types.js';

/** What a reader said, in a form two readers can be compared by: every record, line and problem. */
async function readAs(text: string, csvParser: 'scanner' | 'csv-parse', pieces: number[] = []): Promise<unknown[]> {
  const bytes = Buffer.from(text, 'utf8');
  async function* stdin(): AsyncGenerator<Buffer> {
    let at = 0;
    for (const size of pieces) {
      if (at >= bytes.length) break;
      yield bytes.subarray(at, at + size);
      at += size;
    }
    if (at < bytes.length) yield bytes.subarray(at);
  }
  const out: unknown[] = [];
  const describe = (e: ReadEvent) =>
    e.kind === 'record'
      ? ['record', e.record.line, e.record.values, e.record.cellCount ?? null]
      : e.kind === 'problem'
        ? ['problem', e.problem.line, e.problem.code, e.problem.message, e.problem.value ?? null, e.problem.fatal]
        : ['header', e.columns, e.delimiter];
  for await (const batch of readRecords(STDIN_NAME, { stdin: stdin(), format: 'csv', delimiter: ',', csvParser })) out.push(...batch.map(describe));
  return out;
}

function scanAll(text: string, delimiter = ','): { rows: Array<[number, string[]]>; rest: string | undefined } {
  const scanner = new CsvScanner(delimiter);
  const rows: Array<[number, string[]]> = [];
  const row = (cells: string[], line: number) => rows.push([line, cells]);
  if (scanner.scan(text, false, row)) scanner.scan('', true, row);
  return { rows, rest: scanner.rest };
}

describe('the CSV scanner', () => {
  it('reads quoted cells, doubled quotes, line breaks in quotes and blank lines, with the line each record starts on', () => {
    const { rows, rest } = scanAll('id,note\r\n1,"a ""b"", c"\r\n\r\n2,"two\r\nlines"\r\n3,x"y\r\n4,');
    expect(rest).toBeUndefined();
    expect(rows).toEqual([
      [1, ['id', 'note']],
      [2, ['1', 'a "b", c']],
      [4, ['2', 'two\r\nlines']],
      [6, ['3', 'x"y']],
      [7, ['4', '']],
    ]);
  });

  // Each: what only csv-parse reads exactly, and where the scanner stops (the start of that record).
  for (const [what, text, rest] of [
    ['text after a closing quote', 'a,b\n1,"x"y\n', '1,"x"y\n'],
    ['a quote never closed', 'a,b\n1,2\n3,"open\n', '3,"open\n'],
    ['a lone CR', 'a,b\n1,2\r3,4\n', '1,2\r3,4\n'],
    ['an LF in a CRLF file', 'a,b\r\n1,2\n3,4\r\n', '1,2\n3,4\r\n'],
    ['a CRLF in an LF file', 'a,b\n1,2\r\n', '1,2\r\n'],
    ['old Mac line ends', 'a,b\r1,2\r', 'a,b\r1,2\r'],
  ] as const)
    it(`gives up on ${what}, at the start of that record`, () => {
      expect(scanAll(text).rest).toBe(rest);
    });

  it('leaves a record longer than 1 MB to csv-parse rather than scan it again for every chunk', () => {
    const scanner = new CsvScanner(',');
    expect(scanner.scan('a,b\n1,"' + 'x'.repeat((1 << 20) + 10), false, () => {})).toBe(false);
    expect(scanner.rest!.startsWith('1,"xxx')).toBe(true);
    expect(scanner.line).toBe(2);
  });
});

describe('the scanner and csv-parse agree', () => {
  it('on the same record, line and problem, where csv-parse takes over part-way', async () => {
    const text = 'id,name\n1,Ann\n\n2,"Bo\nEk"\n3,"never closed\n4,Cy\n';
    const scanned = await readAs(text, 'scanner');
    expect(scanned).toEqual(await readAs(text, 'csv-parse'));
    expect(scanned.at(-1)).toEqual(['problem', 6, 'unterminated_quote', expect.any(String), null, true]);
  });

  it('on lines when blank CRLF lines straddle read chunks (csv-parse alone used to count them twice)', async () => {
    const text = 'id,name\r\n\r\n,a\r\n\r\n"p\nq",b\r\n';
    for (const csvParser of ['scanner', 'csv-parse'] as const) {
      const lines = (await readAs(text, csvParser, Array(40).fill(1))).filter((e) => (e as unknown[])[0] === 'record').map((e) => (e as unknown[])[1]);
      expect(lines).toEqual([3, 5]);
    }
  });

  it('on 3,000 random documents of quotes, delimiters, line ends and multi-byte text, split into random chunks', async () => {
    // A seeded generator (mulberry32): a failure names the seed that reproduces it.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const tokens = ['a', 'bc', ' ', '"', '""', ',', ',', '\n', '\n', '\r\n', '\r', 'é', 'Łódź', '"x,y"', '"p\nq"', '"r""s"', ';', '\t'];
    for (let doc = 0; doc < 3000; doc++) {
      const docSeed = seed;
      const eol = pick(['\n', '\r\n']);
      let text = doc % 3 === 0 ? '' : `id,name,note${eol}`;
      const length = Math.floor(random() * 40);
      for (let i = 0; i < length; i++) text += random() < 0.15 ? eol : pick(tokens);
      const pieces = Array.from({ length: 8 }, () => 1 + Math.floor(random() * 9));
      const scanned = await readAs(text, 'scanner', pieces);
      const reference = await readAs(text, 'csv-parse', pieces);
      if (JSON.stringify(scanned) !== JSON.stringify(reference)) expect({ docSeed, text, scanned }).toEqual({ docSeed, text, scanned: reference });
    }
  });
});

describe('the samples read the same on both paths', () => {
  const samples = fileURLToPath(new URL('../../samples/', import.meta.url));
  const runs: Array<[string, string[], Partial<ValidateOptions>]> = [
    ['invalid/users.csv, invalid/companies.csv (accessplanit)', ['invalid/companies.csv', 'invalid/users.csv'], { rules: rulesNamed('accessplanit')! }],
    ['invalid/users-windows-1252.csv', ['invalid/users-windows-1252.csv'], { read: { encoding: 'windows-1252' } }],
    ['invalid/excel-export.csv with its mapping', ['invalid/excel-export.csv'], { mapping: compileMapping(JSON.parse(readFileSync(join(samples, 'invalid/excel-mapping.json'), 'utf8')), 'excel-mapping.json') }],
    ['the valid samples (accessplanit)', ['groups.csv', 'companies.csv', 'users.csv'], { rules: rulesNamed('accessplanit')! }],
  ];
  runs.push(['hr-export.csv with hr-map.json', ['hr-export.csv'], {}]);
  for (const [name, files, options] of runs)
    it(name, async () => {
      if (name.startsWith('hr-export')) options.mapping = (await loadMapping(join(samples, 'hr-map.json'))).mapping;
      const validate = (csvParser: 'scanner' | 'csv-parse') =>
        validateFiles(files.map((f) => join(samples, f)), { rules: rulesNamed('generic')!, keepRecords: true, ...options, read: { ...options.read, csvParser } });
      const scanned = await validate('scanner');
      const reference = await validate('csv-parse');
      expect(scanned.issues.length + (scanned.records?.length ?? 0)).toBeGreaterThan(0);
      expect(scanned).toEqual(reference);
    });
});
