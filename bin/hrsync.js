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
  let cli;
  try {
    cli = await import('../dist/cli/main.js');
  } catch (error) {
    // No build yet (a fresh clone before `npm ci`/`npm run build`), or one being rebuilt right now.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/cli/')) throw error;
    process.stderr.write('error: hrsync is not built (dist/cli is missing or incomplete)\nhint: run npm run build (npm ci does it), then run hrsync again\n');
    process.exit(70);
  }
  process.exitCode = await cli.main(process.argv);
}
