// Writes the reference pages under docs/reference/ from the tables hrsync runs on (the commander
// program and its options, the canonical fields, the config schema, the exit codes), as rendered by
// src/cli/reference-docs.ts — compiled: run through `npm run docs`, which compiles first.
// `node scripts/docs.mjs --check` writes nothing and exits 1 naming the pages that are not current.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { referencePages } = await import('../dist/src/cli/reference-docs.js');
const check = process.argv.includes('--check');
const stale = [];
for (const { path, markdown } of await referencePages()) {
  const file = join(root, path);
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === markdown) continue;
  stale.push(path);
  if (!check) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, markdown);
  }
}
if (check && stale.length) {
  process.stderr.write(`not current: ${stale.join(', ')}\nrun npm run docs\n`);
  process.exit(1);
}
process.stdout.write(stale.length ? `wrote ${stale.join(', ')}\n` : 'docs/reference is current\n');
