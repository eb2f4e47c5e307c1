#!/usr/bin/env node
// Benchmark orchestrator: runs every case of every scenario in a fresh child process,
// several repetitions each, takes medians, and writes the table (stdout and
// docs/benchmarks.md), the JSON (benchmarks/results/latest.json) and the chart
// (docs/benchmarks.svg).
//
//   node benchmarks/run.mjs [--quick] [--only idle|accuracy|stop|throughput]
//   node benchmarks/run.mjs --render-only   (rewrite the outputs from results/latest.json)
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { aggregateRuns } from './lib/aggregate.mjs';
import { openGate } from './lib/gates.mjs';
import { BUDGET, ONE_RUN_SECONDS, SCENARIOS, buildPlan, repsFor, settings } from './lib/plan.mjs';
import { LATEST_JSON, publish } from './lib/publish.mjs';
import { runChild } from './lib/run-child.mjs';

const CASE_TIMEOUT_MS = 120_000;

const { values: opts } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'render-only': { type: 'boolean', default: false } },
});
if (opts.only && !SCENARIOS.includes(opts.only)) {
  console.error(`--only must be one of: ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
if (opts['render-only']) {
  const saved = JSON.parse(readFileSync(LATEST_JSON, 'utf8'));
  publish(new Map(Object.entries(saved.cases)), saved.meta);
  process.exit(0);
}

const s = settings(opts.quick);
const plan = buildPlan({ quick: opts.quick, only: opts.only ?? null });
const records = new Map();
const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;
/** Cases that ran fewer repetitions than planned because the run neared its time budget. */
const cutShort = [];
const loadavg = os.loadavg().map((x) => x.toFixed(2));

/** Runs one spec: n/a, gate, then the first repetition, then the rest (fewer if slow). */
async function runSpec(spec) {
  const rec = { scenario: spec.scenario, variant: spec.variant, lib: spec.lib, args: spec.args };
  if (spec.na) return { ...rec, na: spec.na };
  let timeoutMs = CASE_TIMEOUT_MS;
  if (spec.gate) {
    const gate = openGate(spec, records.get(spec.gate.from));
    if (gate.na) return { ...rec, na: gate.na };
    timeoutMs = gate.timeoutMs;
  }
  const runs = [];
  const seconds = [];
  let reps = spec.reps;
  for (let i = 0; i < reps; i++) {
    const r = await runChild(spec, { timeoutMs });
    if (r.result.error) return { ...rec, error: r.result.error, runs, seconds: [...seconds, r.seconds] };
    runs.push(r.result);
    seconds.push(r.seconds);
    if (i === 0 && !spec.fixedReps) reps = repsFor(r.seconds, spec.reps);
    if (i + 1 < reps && elapsedS() + r.seconds + reservedS() > BUDGET.runSeconds) {
      reps = i + 1;
      cutShort.push(spec.key);
    }
  }
  return { ...rec, runs, seconds, median: aggregateRuns(runs) };
}

let next = 0;
/** Seconds to reserve for one run of every case not started yet. */
const reservedS = () => plan.slice(next).reduce((sum, spec) => sum + (spec.na ? 0 : ONE_RUN_SECONDS[spec.scenario]), 0);

/** Runs the plan with `concurrency` workers; a gated spec waits for its source case. */
async function runPlan() {
  const done = new Map(plan.map((spec) => [spec.key, null]));
  const waiters = new Map();
  const finished = (key) => new Promise((resolve) => (done.get(key) ? resolve() : waiters.set(key, [...(waiters.get(key) ?? []), resolve])));
  let count = 0;
  const worker = async () => {
    while (next < plan.length) {
      const spec = plan[next++];
      if (spec.gate && done.has(spec.gate.from)) await finished(spec.gate.from);
      const rec = await runSpec(spec);
      records.set(spec.key, rec);
      done.set(spec.key, true);
      for (const resolve of waiters.get(spec.key) ?? []) resolve();
      count++;
      const status = rec.na ? 'n/a' : rec.error ? `ERROR ${rec.error}` : `${rec.runs.length} run(s), ${rec.seconds.reduce((a, b) => a + b, 0).toFixed(1)} s`;
      console.error(`[${String(count).padStart(3)}/${plan.length}] ${spec.key.padEnd(48)} ${status}`);
    }
  };
  await Promise.all(Array.from({ length: s.concurrency }, worker));
}

await runPlan();
publish(records, {
  date: new Date().toISOString(),
  quick: opts.quick,
  only: opts.only ?? null,
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
  loadavg,
  loadavgEnd: os.loadavg().map((x) => x.toFixed(2)),
  durationS: elapsedS(),
  cutShort,
});
