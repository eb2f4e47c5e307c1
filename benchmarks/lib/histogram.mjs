// A fixed-bucket histogram of durations in ms (bucket `width` ms, up to `limit` ms, then one
// overflow count), with the exact maximum kept beside it: constant memory however many samples,
// mergeable across processes (a long benchmark cannot keep every sample). Serialises sparsely.

/** Counts durations into `width`-ms buckets up to `limit` ms; larger ones into `overflow`. */
export class Histogram {
  constructor({ width = 1, limit = 10_000 } = {}) {
    this.width = width;
    this.limit = limit;
    /** bucket index (floor(ms / width)) -> count */
    this.buckets = new Map();
    this.overflow = 0;
    this.count = 0;
    this.max = null;
  }

  /** Adds one duration in ms (negative ones count as 0). */
  add(ms) {
    const value = Math.max(0, ms);
    this.count++;
    if (this.max === null || value > this.max) this.max = value;
    if (value >= this.limit) {
      this.overflow++;
      return;
    }
    const bucket = Math.floor(value / this.width);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }

  /** Adds every sample of another histogram with the same width and limit (JSON form accepted). */
  merge(other) {
    if (other.width !== this.width || other.limit !== this.limit) throw new Error(`Histogram.merge: width/limit ${other.width}/${other.limit} differ from ${this.width}/${this.limit}`);
    const entries = other.buckets instanceof Map ? other.buckets.entries() : other.buckets;
    for (const [bucket, count] of entries) this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + count);
    this.overflow += other.overflow;
    this.count += other.count;
    if (other.max !== null && (this.max === null || other.max > this.max)) this.max = other.max;
    return this;
  }

  /**
   * Nearest-rank percentile (p in [0, 100]) as the upper edge of its bucket (the sample is at most
   * that); `null` when empty or when it falls in the overflow (at or above `limit`).
   */
  percentile(p) {
    if (this.count === 0) return null;
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    let seen = 0;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket);
      if (seen >= rank) return Math.min(this.max, Math.round((bucket + 1) * this.width * 1e6) / 1e6);
    }
    return null;
  }

  /** p50 / p99 / max / count / overflow (see `percentile`). */
  summary() {
    return { count: this.count, p50: this.percentile(50), p99: this.percentile(99), max: this.max, overflow: this.overflow };
  }

  /** The sparse JSON form: `buckets` as [index, count] pairs. */
  toJSON() {
    return { width: this.width, limit: this.limit, buckets: [...this.buckets.entries()], overflow: this.overflow, count: this.count, max: this.max };
  }

  /** A histogram from its JSON form. */
  static fromJSON(json) {
    return new Histogram(json).merge(json);
  }
}
