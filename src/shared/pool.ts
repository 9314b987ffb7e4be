/**
 * Runs `work` over `items` with at most `concurrency` in flight, in order of start. Stops starting new
 * items once `stopped()` says so; items already started finish. Resolves when all started items have.
 */
export async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!stopped() && next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
