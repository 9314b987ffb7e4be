#!/usr/bin/env node
// Loads the built CLI (npm ci runs the build through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

// A reader that stops early (`hrsync export | head`) closes the pipe: stop quietly, as other CLIs do,
// instead of a stack trace. The one exit outside src/cli/main.ts's returned code.
// A terminal that went away (its window closed: SIGHUP, then EIO on every write) is not a reason to
// stop: the run is finishing its writes and must still write its results, so what it says is dropped.
// Standard output redirected to a file on a full disk (ENOSPC) is hrsync's output failing: exit 74.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (error.code === 'EIO' || error.code === 'ERR_STREAM_DESTROYED') return;
    if (stream === process.stdout) {
      process.stderr.write(`error: could not write to standard output: ${error.code ?? error.message}\n`);
      process.exit(74);
    }
    throw error;
  });

process.exitCode = await main(process.argv);
