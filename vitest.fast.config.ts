import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The edit loop's tier (`npm run test:fast`): everything but what builds, packs or installs hrsync,
 * starts a real PostgreSQL, or drives a browser — those run in `npm test` (and CI) only.
 */
export const SLOW = ['test/e2e/package.test.ts', 'test/e2e/bundle.test.ts', 'test/cli/state-postgres.test.ts', 'test/e2e/report-browser.test.ts', 'test/e2e/report-hr.test.ts'];

// HRSYNC_TEST_TIER=fast: the files that test both state backends skip their real-PostgreSQL part (test/helpers/postgres.ts).
export default mergeConfig(base, defineConfig({ test: { exclude: [...SLOW, 'node_modules/**'], env: { HRSYNC_TEST_TIER: 'fast' } } }));
