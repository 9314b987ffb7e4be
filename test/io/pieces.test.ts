import { describe, expect, it } from 'vitest';
import { PIECE_BYTES, pieces } from '../../src/io/pieces.js';
import { summary, tempDir, write } from '../helpers/files.js';

const dir = tempDir();

describe('decoding in pieces', () => {
  it('cuts a chunk into pieces of at most 64 KB, never inside a character', () => {
    for (const char of ['a', 'é', '€', '😀']) {
      const text = `x${char.repeat(70_000)}`;
      const chunk = Buffer.from(text, 'utf8');
      const parts = [...pieces(chunk)];
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.every((p) => p.length <= PIECE_BYTES && p.length > 0)).toBe(true);
      expect(parts.map((p) => p.toString('utf8')).join('')).toBe(text); // no replacement character anywhere
    }
  });

  it('reads NDJSON and a JSON array whose characters straddle the pieces exactly as written', async () => {
    // Records long enough that the 64 KB boundaries fall inside their multi-byte names.
    const name = (i: number) => `Zoë 😀 ${'€'.repeat(5000 + i)}`;
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: `R${i}`, name: name(i) }));
    const nd = await summary(write(dir, 'wide.ndjson', rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    expect(nd.records).toEqual(rows.map((r, i) => [i + 1, r]));
    const array = await summary(write(dir, 'wide.json', `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`));
    expect(array.records).toEqual(rows.map((r, i) => [i + 2, r]));
  });
});
