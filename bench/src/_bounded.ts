/**
 * Calls `work` once for each of `items`, at most `limit` calls in flight at a time (so a benchmark of
 * thousands of runs does not open thousands of connections at once). Rejects with the first error.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
