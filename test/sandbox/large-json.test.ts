import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/app/embedded-sandbox.js';
import { parseJsonBytes } from '../../src/sandbox/large-json.js';
import { PLATFORMS } from '../../src/sandbox/platforms/index.js';
import { loadStateFile, Persister, stateChunks } from '../../src/sandbox/state.js';
import { tempDir } from '../helpers/files.js';
import { seeded } from '../helpers/sandbox.js';

/** The same value, own keys in the same order ("__proto__" an own key, as JSON.parse makes it). */
const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a) === JSON.stringify(b) && (a === null || typeof a !== 'object' || (Object.getPrototypeOf(a) === Object.getPrototypeOf(b) && Object.keys(a).every((k, i) => k === Object.keys(b as object)[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))));

describe('parseJsonBytes: JSON bytes parsed as JSON.parse would, never one string of the whole (the sandbox state of a million people)', () => {
  it('gives what JSON.parse gives, whatever the pieces it cuts a value into (random documents, every limit)', () => {
    const random = seeded(0x15e0);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const strings = ['', 'a', 'x,y', 'q"uo"te', 'back\\slash', '[{]}', ':', 'Łódź ✓', '\u0000\n\t', '__proto__', 'constructor', '1'];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.35) return pick([0, -1.5e-7, 12345678901234, true, false, null, ...strings]);
      if (r < 0.65) return Array.from({ length: Math.floor(random() * 5) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick(strings), value(depth + 1)]));
    };
    const space = () => pick(['', ' ', '\n', '\r\n\t ']);
    for (let n = 0; n < 400; n++) {
      const v = value(0);
      // Whitespace anywhere JSON allows it: around every member, colon and bracket.
      const render = (x: unknown): string =>
        Array.isArray(x)
          ? `[${space()}${x.map((e) => `${space()}${render(e)}${space()}`).join(',')}]`
          : x !== null && typeof x === 'object'
            ? `{${space()}${Object.entries(x).map(([k, e]) => `${space()}${JSON.stringify(k)}${space()}:${space()}${render(e)}${space()}`).join(',')}}`
            : JSON.stringify(x);
      const text = space() + render(v) + space();
      const expected = JSON.parse(text) as unknown;
      for (const limit of [0, 1, 7, 64]) expect(same(parseJsonBytes(Buffer.from(text), limit), expected), `${text} at ${limit}`).toBe(true);
    }
    // A key repeated: the last wins, in the first one's place, as JSON.parse does.
    const repeated = '{"a":1,"b":2,"a":3,"__proto__":{"x":1}}';
    expect(same(parseJsonBytes(Buffer.from(repeated), 0), JSON.parse(repeated))).toBe(true);
    expect(Object.getPrototypeOf(parseJsonBytes(Buffer.from(repeated), 0))).toBe(Object.prototype);
  });

  it('refuses what JSON.parse refuses, as a SyntaxError', () => {
    for (const text of ['[1,,2]', '{"a" 1}', '[1,2', '{"a":1,}', '["x]', '[1]]', '{"a":1}x', '{1:2}', '', '[1,2]'.repeat(3)]) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      expect(() => parseJsonBytes(Buffer.from(text), 0), text).toThrow(SyntaxError);
    }
  });
});

describe('the sandbox starts again from a state file too large for one string', () => {
  it('reads a state file in pieces when it is larger than the limit: the same state as JSON.parse of it', async () => {
    const { sandbox } = await startEmbedded({ port: 0 });
    try {
      const slices = new Map<string, unknown>(Object.entries(sandbox.state()));
      const file = join(tempDir(), 'sandbox.json');
      const persister = new Persister(file, () => stateChunks(PLATFORMS, slices));
      persister.changed();
      await persister.flush();
      const size = readFileSync(file).length;
      const whole = await loadStateFile(file, PLATFORMS, () => undefined);
      const inPieces = await loadStateFile(file, PLATFORMS, () => undefined, { textLimit: Math.floor(size / 50) });
      expect(size).toBeGreaterThan(10_000);
      expect(inPieces).toEqual(whole);
      expect(same(parseJsonBytes(readFileSync(file), 100), JSON.parse(readFileSync(file, 'utf8')))).toBe(true);
    } finally {
      await sandbox.stop();
    }
  });
});
