// The results as text: a console table and the Markdown page docs/benchmarks.md.
import { LIBS, libById } from './libraries.mjs';
import { atLeastAsGood, fmtRatio, withUnit } from './format.mjs';

/** Collects n/a and error reasons as numbered notes; cells refer to them as [k]. */
function makeNotes() {
  const list = [];
  const ref = (text) => {
    let i = list.indexOf(text);
    if (i < 0) i = list.push(text) - 1;
    return i + 1;
  };
  return { list, ref };
}

function cellText(fig, lib, notes) {
  const c = fig.cells[lib];
  if (!c || c.missing) return '';
  if (c.na) return `n/a [${notes.ref(`${libById(lib).label}: ${c.na}`)}]`;
  if (c.error) return `error [${notes.ref(`${libById(lib).label}: ${c.error}`)}]`;
  if (c.text) return c.text;
  return withUnit(c.value, fig.unit) + (c.reps === 1 ? '¹' : '');
}

function rows(figs, notes) {
  return figs.map((fig) => {
    const best = fig.bestPeer ? `${withUnit(fig.bestPeer.value, fig.unit)} (${fig.bestPeer.lib})` : '—';
    const mark = atLeastAsGood(fig, fig.ratioBestPeer) ? ' ✓' : '';
    return [fig.label, ...LIBS.map((l) => cellText(fig, l.id, notes)), best, fmtRatio(fig.ratioBestPeer) + mark, fmtRatio(fig.ratioRaw)];
  });
}

const HEADER = ['figure', ...LIBS.map((l) => l.label), 'best peer', 'eleanor ÷ best peer', 'eleanor ÷ raw'];

/** Plain-text table for the terminal. */
export function consoleTable(figs, targets) {
  const notes = makeNotes();
  const body = rows(figs, notes);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  ')];
  let group = null;
  figs.forEach((fig, i) => {
    if (fig.group !== group) out.push(`[${(group = fig.group)}]`);
    out.push(line(body[i]));
  });
  out.push('', ...notes.list.map((t, i) => `[${i + 1}] ${t}`), '¹ a single repetition (a slow case, or a structural figure such as a 1 s floor)', '');
  out.push('Targets (issues 8 and 12; ratio: eleanor-jobs ÷ the reference of the same run):');
  for (const t of targets) {
    out.push(`  ${t.status.padEnd(12)} ${t.name}: ${withUnit(t.subject, t.unit)} vs ${withUnit(t.reference, t.unit)} ${t.refLabel ?? ''} (${fmtRatio(t.ratio)})${t.note ? ` — ${t.note}` : ''}`);
  }
  return out.join('\n');
}

const mdRow = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;

/** The targets as a Markdown table: eleanor-jobs' figure, what it is held to, the ratio, the status. */
export function targetsTable(targets) {
  return [
    mdRow(['target', 'eleanor-jobs', 'held to', 'ratio', 'status', 'note']),
    mdRow(['---', '---:', '---:', '---:', '---', '---']),
    ...targets.map((t) => mdRow([t.name, withUnit(t.subject, t.unit), t.reference === null ? '—' : `${withUnit(t.reference, t.unit)} (${t.refLabel})`, fmtRatio(t.ratio), t.status === 'met' ? '**met**' : t.status, t.note ?? ''])),
  ].join('\n');
}

/** The Markdown page: how it was measured, the targets, every figure, the notes. */
export function markdownPage({ meta, figs, targets, modes, observations }) {
  const notes = makeNotes();
  const body = rows(figs, notes);
  const out = [
    '# Benchmarks',
    '',
    `eleanor-jobs against croner, node-cron, toad-scheduler, node-schedule, cron and bree, and against raw Node, measured in the same run by \`npm run bench\` (\`benchmarks/run.mjs\`). Every case runs in a fresh \`node --expose-gc\` process; figures are medians of the repetitions (3 for fast cases, 9 for the stop cases, whose single runs spread widely, fewer for slow ones, marked ¹ when a single run). Lower is better except for triggers per second (higher) and lateness (closest to zero: negative means early). "best peer" is the best of the six peers on that figure; ✓ marks a figure where eleanor-jobs is at least as good.`,
    '',
    `Run: ${meta.date}, ${meta.quick ? '**quick smoke run (small N, 1 repetition: not for comparison)**, ' : ''}Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, load average (1/5/15 min) ${meta.loadavg.join(' / ')} at start and ${meta.loadavgEnd.join(' / ')} at the end (other work shares this machine: timing figures move with it; memory figures do not), whole run ${Math.round(meta.durationS)} s${meta.cutShort.length ? `; ${meta.cutShort.length} case(s) ran fewer repetitions than planned to keep the run under about 11 minutes` : ''}.`,
    '',
    '![Benchmark chart](benchmarks.svg)',
    '',
    '## Targets (issues 8 and 12)',
    '',
    targetsTable(targets),
    '',
    '## All figures',
  ];
  let group = null;
  figs.forEach((fig, i) => {
    if (fig.group !== group) {
      group = fig.group;
      out.push('', `### ${group}`, '', GROUP_NOTES[group] ?? '', '', mdRow(HEADER), mdRow(HEADER.map((_, k) => (k === 0 ? '---' : '---:'))));
    }
    out.push(mdRow(body[i]));
  });
  out.push('', '## Notes', '');
  out.push(...notes.list.map((t, i) => `${i + 1}. ${t}`), '', '¹ a single repetition (a slow case, or a structural figure such as a 1 s floor).', '');
  out.push('Back-to-back modes: ' + Object.entries(modes).map(([lib, m]) => `${lib}: ${m}`).join('; ') + '.', '');
  if (observations.length) out.push('Observed in this run:', '', ...observations.map((o) => `- ${o}`), '');
  return out.join('\n');
}

const GROUP_NOTES = {
  Idle: 'Jobs scheduled far enough ahead that none fires during the case. Heap and RSS per job: `process.memoryUsage()` after full GCs, minus the reading before scheduling, divided by N (names and expressions are allocated before the first reading). Schedule time: wall time to create and start all jobs, divided by N. Idle CPU: user + system CPU milliseconds per wall second over a 1 s window after scheduling; an idle Node process with no job at all shows about 5-20 ms/s on this VM, so differences below that are noise. Raw Node: one bare `setInterval`/`setTimeout` per job.',
  Accuracy: 'On this VM a lone `setTimeout(1000)` wakes about 10-20 ms late when the machine is otherwise idle (vCPU wake-up), so the raw Node column is the floor to read against. Every job on `* * * * * *` (or a 1 s interval) for a 2 s window of whole seconds that opens at least 0.2 s after scheduling ends. Cron lateness: fire time minus the wall-clock second it belongs to (a fire up to 50 ms early counts as early for that second, so negative values are early fires). Interval lateness: start minus (previous run\'s end + 1 s). Missed: job-seconds in the window without a fire; doubled: extra fires within one job-second. Raw Node: one timer per job, re-armed on the next wall-clock second (cron) or 1 s after the previous run (interval).',
  Stop: 'Sleeping jobs (a 1 h interval, or a cron a day away for cron-only libraries). eleanor-jobs: `requestStop()` on every job, then `await Promise.all(jobs.map(j => j.waitUntilDone()))`; peers: their documented stop (`scheduler.stop()`, `cron.shutdown()`, `gracefulShutdown()`, `job.stop()`, `bree.stop()`). Exit: from the stop call to the process\'s `exit` event with nothing else pending; after 5 s the process is killed and reported as "did not exit". Raw Node: `clearTimeout` on every timer.',
  Throughput: 'One job in the library\'s fastest back-to-back mode with an empty body, counted over 2 s after a 0.2 s warm-up, while a 10 ms `setInterval` beside it records how late each tick is (due time: previous tick + 10 ms). Raw Node: a `setImmediate` loop, and a plain `await` loop (which never yields to timers).',
};
