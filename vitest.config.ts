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
    // A hang guard, never a measure (speed lives in npm run bench): generous, so that a machine busy
    // with other work makes the suite slow, not red. No test sets a shorter one of its own.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
