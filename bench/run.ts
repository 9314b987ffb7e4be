/**
 * npm run bench: numbers, printed, never asserted (these machines are shared and noisy).
 * BENCH_ONLY=validate|plan-text|sandbox|export|paging|import|bulk|plan-memory runs one part; BENCH_RUNS (≥ 3), BENCH_ROWS and
 * BENCH_SIZES (validate), BENCH_PAGING_USERS, BENCH_PLAN_USERS change the work.
 */
const ONLY = process.env.BENCH_ONLY;
for (const part of ['validate', 'plan-text', 'sandbox', 'export', 'paging', 'import', 'bulk', 'plan-memory'])
  if (!ONLY || ONLY === part) await import(`./${part}.js`);
process.exit(0);
