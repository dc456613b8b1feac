// Latency histogram with fixed 20 µs buckets up to 60 s: recording is one array increment, so
// tens of thousands of samples a second cost the load generator next to nothing.
const BUCKET_MS = 0.02;
const MAX_MS = 60_000;

export class LatencyHistogram {
  private readonly buckets = new Uint32Array(Math.ceil(MAX_MS / BUCKET_MS) + 1);
  private total = 0;
  private sumMs = 0;
  private maxMs = 0;

  record(ms: number): void {
    const clamped = Math.min(Math.max(ms, 0), MAX_MS);
    this.buckets[Math.floor(clamped / BUCKET_MS)]!++;
    this.total++;
    this.sumMs += clamped;
    if (clamped > this.maxMs) this.maxMs = clamped;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sumMs / this.total;
  }

  /** The upper edge of the bucket holding the p-th percentile sample (p in 0..100). */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min((i + 1) * BUCKET_MS, this.maxMs);
    }
    return this.maxMs;
  }
}
