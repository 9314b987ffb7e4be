import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // vitest's own cache goes to the temp folder too: the suite never writes into the checkout.
  cacheDir: join(tmpdir(), 'hrsync-vitest-cache'),
  test: {
    include: ['test/**/*.test.ts'],
    // Worker threads, files not isolated from each other: a third of the time of a fresh process per
    // file. Tests keep no state in modules (servers, folders and streams are their own), so this holds.
    pool: 'threads',
    isolate: false,
    // Most test time is waiting on servers and child processes, not CPU: two files at once even on a
    // 2-core machine (vitest's default there is one), which halves the wall time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 30_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
