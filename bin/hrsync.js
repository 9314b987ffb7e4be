#!/usr/bin/env node
// Loads the built CLI: the bundle in dist/cli (npm ci runs the build through the `prepare` script;
// scripts/bundle.mjs says why a bundle). What a closed pipe, a terminal that went away or a full disk
// under standard output does is in processIo (src/cli/terminal.ts).
// `hrsync --version` alone is answered here, from package.json, before the CLI (commander, chalk …)
// loads: the same line main() prints. With NODE_DEBUG set, main() has something to say first.
import { readFileSync } from 'node:fs';

const [, , first, ...rest] = process.argv;
if ((first === '--version' || first === '-V') && rest.length === 0 && !process.env.NODE_DEBUG) {
  process.stdout.on('error', () => {}); // a reader gone already: nothing more to say
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv);
}
