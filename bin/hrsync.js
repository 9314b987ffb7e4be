#!/usr/bin/env node
// Loads the built CLI (npm ci runs the build through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

// A reader that stops early (`hrsync export | head`) closes the pipe: stop quietly, as other CLIs do,
// instead of a stack trace. The one exit outside src/cli/main.ts's returned code.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });

process.exitCode = await main(process.argv);
