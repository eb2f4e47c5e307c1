// Number formatting for tables and the chart: about three significant digits, with units.

/** 3-ish significant digits: 1,234 / 123 / 12.3 / 1.23 / 0.12 / 0.012. */
export function sig(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** A value in its unit: bytes as B / KB / MB (1 KB = 1000 B), rates as /s, k/s, M/s. */
export function withUnit(v, unit) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'B':
      if (Math.abs(v) >= 1e6) return `${sig(v / 1e6)} MB`;
      if (Math.abs(v) >= 1e3) return `${sig(v / 1e3)} KB`;
      return `${Math.round(v)} B`;
    case '/s':
      if (v >= 1e6) return `${sig(v / 1e6)} M/s`;
      if (v >= 1e4) return `${sig(v / 1e3)} k/s`;
      return `${sig(v)} /s`;
    case 'count':
      return Math.round(v).toLocaleString('en-US');
    default:
      return `${sig(v)} ${unit}`;
  }
}

export function fmtRatio(r) {
  return r === null || r === undefined ? '—' : `${sig(r)}×`;
}

/** True when eleanor-jobs is at least as good as the reference on this figure. */
export function atLeastAsGood(fig, r) {
  if (r === null || r === undefined) return false;
  return fig.better === 'higher' ? r >= 1 : r <= 1;
}
