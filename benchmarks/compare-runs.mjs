#!/usr/bin/env node
// Compares the eleanor-jobs figure of every row of two full runs (benchmarks/results/latest.json
// of two checkouts, e.g. main and a branch run side by side) and lists the rows worse by more
// than a threshold in the figure's own direction (lower, higher or closest to zero is better).
//
//   node benchmarks/compare-runs.mjs <before.json> <after.json> [--threshold 0.10]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildFigures } from './lib/figures.mjs';
import { SUBJECT } from './lib/libraries.mjs';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { threshold: { type: 'string', default: '0.10' } } });
if (positionals.length !== 2) {
  console.error('usage: node benchmarks/compare-runs.mjs <before.json> <after.json> [--threshold 0.10]');
  process.exit(2);
}
const threshold = Number(opts.threshold);
const figuresOf = (file) => {
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  return new Map(buildFigures(new Map(Object.entries(saved.cases)), { quick: saved.meta.quick }).map((fig) => [fig.id, fig]));
};
const [before, after] = positionals.map(figuresOf);

/** How much worse `b` is than `a` as a fraction (negative: better), or null when not comparable. */
function worseBy(fig, a, b) {
  if (fig.better === 'higher') return a > 0 ? (a - b) / a : null;
  if (fig.better === 'zero') return Math.abs(a) > 0 ? (Math.abs(b) - Math.abs(a)) / Math.abs(a) : b === 0 ? 0 : null;
  return a > 0 ? (b - a) / a : b === 0 ? 0 : null;
}

let flagged = 0;
for (const [id, fig] of after) {
  const a = before.get(id)?.cells[SUBJECT]?.value;
  const b = fig.cells[SUBJECT]?.value;
  if (typeof a !== 'number' || typeof b !== 'number') {
    console.log(`  n/a   ${fig.label}: ${a ?? '—'} → ${b ?? '—'}`);
    continue;
  }
  const worse = worseBy(fig, a, b);
  const mark = worse !== null && worse > threshold ? 'WORSE' : 'ok';
  if (mark === 'WORSE') flagged++;
  const change = worse === null ? '—' : `${worse > 0 ? '+' : ''}${(worse * 100).toFixed(1)}% ${worse > 0 ? 'worse' : 'better'}`;
  console.log(`  ${mark.padEnd(5)} ${fig.label}: ${a.toPrecision(4)} → ${b.toPrecision(4)} ${fig.unit} (${change})`);
}
console.log(`${flagged} row(s) worse by more than ${(threshold * 100).toFixed(0)}%`);
