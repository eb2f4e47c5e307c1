// Small, dependency-free statistics used by the cases (per-run distributions) and by the
// orchestrator (medians over repetitions).

/** Sorted copy of a numeric array (ascending). */
export function sorted(values) {
  return Float64Array.from(values).sort();
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value such that at least
 * p% of the samples are <= it. p in [0, 100]. Returns null for an empty array.
 */
export function percentileOfSorted(asc, p) {
  if (asc.length === 0) return null;
  const rank = Math.ceil((p / 100) * asc.length);
  return asc[Math.min(asc.length, Math.max(1, rank)) - 1];
}

/** p50 / p99 / max / min / count of a sample, all in the sample's unit. */
export function summarize(values) {
  const asc = sorted(values);
  return {
    count: asc.length,
    min: asc.length ? asc[0] : null,
    p50: percentileOfSorted(asc, 50),
    p99: percentileOfSorted(asc, 99),
    max: asc.length ? asc[asc.length - 1] : null,
  };
}

/** Median of the finite numbers in `values` (mean of the two middle ones), null if none. */
export function median(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return null;
  const asc = sorted(xs);
  const mid = asc.length >> 1;
  return asc.length % 2 ? asc[mid] : (asc[mid - 1] + asc[mid]) / 2;
}
