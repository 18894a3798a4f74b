/** What a benchmark file exports as default: it runs and returns its figures. */
export interface BenchResult {
  name: string;
  /** Named figures, e.g. { p50Ms: 12.3, rowsPerSecond: 4100 }. */
  figures: Record<string, number | string>;
  /** Targets from the issue and whether they were met. */
  targets?: { description: string; met: boolean }[];
  notes?: string[];
}

export type Bench = () => Promise<BenchResult>;

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
