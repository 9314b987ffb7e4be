import { describe, expect, it } from 'vitest';
import { StringTable } from '../../src/shared/string-table.js';

/** A small deterministic generator (no Math.random: a failure must come back the same). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const KEYS = ['u1', 'U1', 'é', 'ü@x.de', '', 'costarring', 'liquid', 'declinate', 'macallums', '👩‍💻', 'a'.repeat(5000), 'b'.repeat(4096)];

describe('StringTable', () => {
  it('reads as a Map of strings to strings or null, whatever is set, set again and deleted', () => {
    const next = random(7);
    const table = new StringTable();
    const model = new Map<string, string | null>();
    const pick = () => (next() < 0.3 ? KEYS[Math.floor(next() * KEYS.length)]! : `id${Math.floor(next() * 3000)}`);
    for (let step = 0; step < 40_000; step++) {
      const key = pick();
      const roll = next();
      if (roll < 0.6) {
        const value = next() < 0.1 ? null : next() < 0.05 ? 'x'.repeat(4097 + step) : `${key}@example.co.uk ${step}`;
        table.set(key, value);
        model.set(key, value);
      } else if (roll < 0.75) expect(table.delete(key)).toBe(model.delete(key));
      else expect(table.get(key)).toBe(model.get(key));
    }
    expect(table.size).toBe(model.size);
    for (const [key, value] of model) expect(table.get(key)).toBe(value);
    expect(new Map(table.entries())).toEqual(model);
    expect(table.has('never set')).toBe(false);
    expect(table.get('never set')).toBeUndefined();
  });

  it('keeps keys whose hashes collide apart (FNV-1a pairs)', () => {
    const table = new StringTable().set('costarring', 'one').set('liquid', 'two').set('declinate', null).set('macallums', 'four');
    expect([table.get('costarring'), table.get('liquid'), table.get('declinate'), table.get('macallums')]).toEqual(['one', 'two', null, 'four']);
    table.delete('costarring');
    expect([table.get('costarring'), table.get('liquid')]).toEqual([undefined, 'two']);
  });

  it('holds a hundred thousand entries, over many pieces', () => {
    const table = new StringTable();
    for (let i = 0; i < 100_000; i++) table.set(`8a3f0c2e-${i}-4b1d-9c7e-${'0'.repeat(12)}`, `first.last${i}@example-company.com`);
    expect(table.size).toBe(100_000);
    for (let i = 0; i < 100_000; i += 997) expect(table.get(`8a3f0c2e-${i}-4b1d-9c7e-${'0'.repeat(12)}`)).toBe(`first.last${i}@example-company.com`);
  });
});
