/** The busiest simulated second of each SageMaker operation: what SageMaker's rate limits would see. */

/** Calls per operation in each simulated second, from the simulator's receipts. */
export function peakPerSecond(
  calls: Array<{ operation: string; atMs: number }>,
  startMs: number,
  timeScale: number,
): Record<string, number> {
  const buckets = new Map<string, Map<number, number>>();
  for (const { operation, atMs } of calls) {
    const second = Math.floor(((atMs - startMs) * timeScale) / 1000);
    const perOperation = buckets.get(operation) ?? new Map<number, number>();
    perOperation.set(second, (perOperation.get(second) ?? 0) + 1);
    buckets.set(operation, perOperation);
  }
  return Object.fromEntries([...buckets].map(([operation, seconds]) => [operation, Math.max(...seconds.values())]));
}
