import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, while hrsync holds
 * a large working set (a plan's input and target records): 30%. Left to itself V8 picks a factor of up
 * to 4 (×1.1 to ×4 by how fast it collects), so a plan whose records need 150 MB peaked near 450 MB of
 * garbage not yet collected; at 30% the same plan peaks about 35% lower, for some 15% more CPU
 * (measured in `BENCH_ONLY=plan-memory npm run bench`; docs/architecture.md, "What a plan keeps").
 */
export const HEAP_GROWING_PERCENT = 30;

let depth = 0;

/** Whether a run of boundedHeapGrowth is under way. */
export function heapGrowthBounded(): boolean {
  return depth > 0;
}

/**
 * Runs `work` with the old generation's growth bounded (HEAP_GROWING_PERCENT); V8's own choice again
 * once the outermost such run ends, however it ends. V8 reads the flag at each collection, so setting
 * it while running takes effect.
 */
export async function boundedHeapGrowth<T>(work: () => Promise<T>): Promise<T> {
  if (depth++ === 0) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  try {
    return await work();
  } finally {
    if (--depth === 0) setFlagsFromString('--heap-growing-percent=0');
  }
}
