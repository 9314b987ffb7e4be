import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeyIndex, pack } from '../../src/core/validate/key-index.js';
import { SpillFolder } from '../../src/io/spill.js';
import { tempDir } from '../helpers/files.js';

/** Two different values with the same 32-bit hash, found by brute force (about 10 pairs among 300,000 values). */
/**
 * Two pairs of ids that share a 32-bit hash (found once by a birthday search over E0, E1, …, which takes
 * a million values: written down here, and checked to collide by each test that uses them; search again if the hash changes).
 */
const COLLIDING: [[string, string], [string, string]] = [['E301070', 'E1000105'], ['E301071', 'E1000115']];

/** Every test runs on an index that keeps its pages in memory, and on one whose pages (64 bytes here) go to disk. */
const MODES = [
  ['in memory', () => ({})],
  ['its full pages on disk', () => ({ spill: () => new SpillFolder(tempDir()), pageSize: 64 })],
] as const;

for (const [mode, options] of MODES) describe(`the key index, ${mode}`, () => {
  it('tells apart two values that share a hash: never a false duplicate, never a missed one', () => {
    const index = new KeyIndex('employeeNumber', 10, options());
    const [[a, b], [absent, itsTwin]] = COLLIDING;
    expect(index.hashOf(a)).toBe(index.hashOf(b));
    expect(index.hashOf(absent)).toBe(index.hashOf(itsTwin));
    index.add(a, pack(0, 2));
    index.add(b, pack(0, 3));
    expect([...index.duplicates()]).toEqual([]);
    expect(index.has(a) && index.has(b)).toBe(true);
    expect(index.has(absent)).toBe(false);
    index.add(b, pack(0, 9));
    expect([...index.duplicates()]).toEqual([[b, [pack(0, 3), pack(0, 9)]]]);
  });

  it('finds a value as soon as it is added, though adds are queued (KeyIndex.add), each with its own key', () => {
    const index = new KeyIndex('email', 0, options());
    index.add(' Ann@Example.com', pack(0, 2));
    expect(index.has('ann@example.com')).toBe(true);
    // One queue: ASCII, trimmed, and non-ASCII keys (keyValue()'s) side by side, a repeat among them.
    for (const [i, value] of ['Zoë@x.nl', 'bob@x.org ', '\u00a0ÜNAL@x.de', 'ZOË@X.NL', 'ünal@x.de'].entries()) index.add(value, pack(0, 3 + i));
    expect(index.has('BOB@x.org') && index.has('zoë@x.nl') && !index.has('zoe@x.nl')).toBe(true);
    expect([...index.duplicates()]).toEqual([
      ['zoë@x.nl', [pack(0, 3), pack(0, 6)]],
      ['ünal@x.de', [pack(0, 5), pack(0, 7)]],
    ]);
  });

  it('compares emails trimmed and ignoring case, in ASCII and beyond it', () => {
    const index = new KeyIndex('email', 0, options());
    index.add('Ann@Example.com', pack(0, 2));
    index.add('  ann@example.COM ', pack(0, 3));
    index.add('ÜNAL@x.de', pack(0, 4));
    index.add('\u00a0ünal@x.de', pack(1, 5));
    index.add('zoë@x.nl', pack(0, 6));
    expect([...index.duplicates()]).toEqual([
      ['ann@example.com', [pack(0, 2), pack(0, 3)]],
      ['ünal@x.de', [pack(0, 4), pack(1, 5)]],
    ]);
    expect(index.has('ZOË@X.NL')).toBe(true);
    expect(index.has('zoe@x.nl')).toBe(false);
  });

  it('keeps case for ids, and grows past a low estimate without losing a value', () => {
    const index = new KeyIndex('id', 100, options());
    for (let i = 0; i < 20_000; i++) index.add(`Id${i}`, pack(0, i + 2));
    expect([...index.duplicates()]).toEqual([]);
    for (let i = 0; i < 20_000; i += 997) expect(index.has(`Id${i}`) && !index.has(`ID${i}`)).toBe(true);
  });

  it('reports first locations exactly, past 32 files and 67 million lines too', () => {
    const index = new KeyIndex('id', 4, options());
    const places = [pack(0, 2), pack(31, (1 << 26) - 1), pack(32, 5), pack(3, 2 ** 27), pack(1, 9)];
    places.forEach((p, i) => index.add(`k${i}`, p));
    places.forEach((p, i) => index.add(`k${i}`, pack(2, 100 + i)));
    expect([...index.duplicates()]).toEqual(places.map((p, i) => [`k${i}`, [p, pack(2, 100 + i)]]));
  });

  it('holds a value longer than its 1 MB pages', () => {
    const index = new KeyIndex('id', 0, options());
    const long = 'x'.repeat((1 << 20) + 5);
    index.add('a', pack(0, 2));
    index.add(long, pack(0, 3));
    index.add('b', pack(0, 4));
    index.add(long, pack(0, 5));
    expect([...index.duplicates()].map(([v, l]) => [v.length, l])).toEqual([[long.length, [pack(0, 3), pack(0, 5)]]]);
    expect(index.has('a') && index.has('b')).toBe(true);
  });

  it('finds every duplicate a Map finds, among 60,000 values with repeats, mixed case and non-ASCII', () => {
    const index = new KeyIndex('email', 1000, options());
    const oracle = new Map<string, number[]>();
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let line = 2; line < 60_002; line++) {
      const n = Math.floor(random() * 50_000);
      const value = `${n % 3 === 0 ? 'Ü' : 'u'}ser${n}@Example.com`;
      index.add(value, pack(0, line));
      const key = value.toLowerCase();
      oracle.set(key, [...(oracle.get(key) ?? []), pack(0, line)]);
    }
    const expected = [...oracle].filter(([, at]) => at.length > 1);
    expect(new Map(index.duplicates())).toEqual(new Map(expected));
    for (const [key] of [...oracle].slice(0, 500)) expect(index.has(key.toUpperCase())).toBe(true);
    expect(index.has('nobody@example.com')).toBe(false);
    index.close();
  });
});

describe('the key index, its full pages on disk', () => {
  it('writes them to one private file whose name is gone at once, and removes it on close', () => {
    const dir = tempDir();
    const folder = new SpillFolder(dir);
    const made: number[] = [];
    const create = folder.create.bind(folder);
    folder.create = () => {
      const file = create();
      made.push(file.fd);
      return file;
    };
    const index = new KeyIndex('id', 10_000, { spill: () => folder, pageSize: 4096 });
    for (let i = 0; i < 10_000; i++) index.add(`id-${i}`, pack(0, i + 2));
    index.add('id-5', pack(1, 2));
    expect(made).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
    expect([...index.duplicates()]).toEqual([['id-5', [pack(0, 7), pack(1, 2)]]]);
    index.close();
    folder.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});
