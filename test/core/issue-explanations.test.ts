import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES, ISSUE_EXPLANATIONS } from '../../src/core/model/issues.js';

/** Every .ts file under a folder of src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the plain-language explanation of each issue code', () => {
  it('exists for every code, in words a reader of the HR file can act on', () => {
    expect(Object.keys(ISSUE_EXPLANATIONS).sort()).toEqual([...ISSUE_CODES].sort());
    for (const code of ISSUE_CODES) {
      const text = ISSUE_EXPLANATIONS[code];
      expect(text, code).toMatch(/^[A-Z].{30,}[.)]$/s);
      if (code.includes('_')) expect(text, code).not.toContain(code); // words, not the code again
    }
  });

  it('covers every code the readers, the mapping and the rules emit (found in their source)', () => {
    const emitted = new Set<string>();
    const patterns = [/code: '([a-z_]+)'/g, /add\(issues, record, [^,]+, [^,]+, '([a-z_]+)'/g, /issue\(ctx, [^,]+, [^,]+, '([a-z_]+)'/g, /^\s*\| '([a-z_]+)'$/gm];
    for (const dir of ['src/core/validate', 'src/core/rules', 'src/core/mapping', 'src/io'])
      for (const file of sources(dir)) {
        const text = readFileSync(file, 'utf8');
        for (const pattern of patterns) for (const m of text.matchAll(pattern)) emitted.add(m[1]!);
      }
    expect(emitted.size).toBeGreaterThan(30);
    expect([...emitted].filter((code) => !(code in ISSUE_EXPLANATIONS))).toEqual([]);
  });
});
