import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const files = (readdirSync(join(ROOT, 'test'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'test', f));

/**
 * The suite fits a busy machine (issue 21): a wait in a test is a hang guard, never a measure, so no
 * test sets a wall-clock limit of its own shorter than the suite's (vitest.config.ts), and polls wait
 * PATIENCE_MS (test/helpers/patience.ts). Speed is measured in npm run bench.
 */
describe('the suite', () => {
  it('has no test with a timeout of its own, and no poll or child process with a short fixed one', () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const where = `${relative(ROOT, file)}:${i + 1}: ${line.trim()}`;
        if (/^\s*\}, [0-9_]+\);\s*$/.test(line)) found.push(where);
        const literal = /\btimeout: ([0-9_]+)\b/.exec(line);
        if (literal && Number(literal[1]!.replace(/_/g, '')) >= 1000) found.push(where);
      });
    }
    expect(found, 'use PATIENCE_MS, or the suite-wide testTimeout').toEqual([]);
  });
});
