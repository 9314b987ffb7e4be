#!/usr/bin/env node
// Loads the built CLI (npm ci runs the build through the `prepare` script). What a closed pipe, a
// terminal that went away or a full disk under standard output does is in processIo (src/cli/terminal.ts).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
