// Many clients of /api/events against one runner's HTTP server (issue 13 item 8): how many are
// served and refused, the server's RSS, and /healthz latency while they are connected, with
// the default cap (100) and without one. The server runs in a child process of its own.
//
//   npm run build && node benchmarks/sse-clients.mjs [--clients 5000]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '5000' }, serve: { type: 'string' } } });

if (values.serve !== undefined) {
  // Child: a runner with one job and its HTTP server; prints the URL.
  const { BaseJob, JobRunner, startHttpServer } = await import('../dist/index.js');
  const { pino } = await import('pino');
  class Tick extends BaseJob {
    execute() {}
  }
  const logger = pino({ level: 'silent' });
  const runner = new JobRunner({ logger });
  runner.add(new Tick({ name: 'tick', interval: 1, logger }));
  await runner.start();
  const server = await startHttpServer(runner, { port: 0, logger, maxEventClients: Number(values.serve) });
  process.send?.(server.url);
} else {
  const clients = Number(values.clients);
  for (const cap of [100, 1_000_000]) await measure(cap, clients);
}

async function measure(cap, clients) {
  const child = fork(new URL(import.meta.url), ['--serve', String(cap)], { stdio: 'inherit' });
  const url = await new Promise((resolve) => child.once('message', resolve));
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const statuses = await Promise.all(Array.from({ length: clients }, () => open(`${url}/api/events`, agent)));
  const latencies = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await open(`${url}/healthz`, agent, true);
    latencies.push(performance.now() - started);
  }
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  const served = statuses.filter((status) => status === 200).length;
  const refused = statuses.filter((status) => status === 503).length;
  console.log(
    `maxEventClients ${String(cap).padStart(7)}: ${clients} clients -> ${served} streamed, ${refused} refused (503); server RSS ${rss.toFixed(0)} MB; /healthz max ${Math.max(...latencies).toFixed(1)} ms, median ${latencies.sort((a, b) => a - b)[10].toFixed(1)} ms`,
  );
  agent.destroy();
  child.kill();
}

/** Sends a GET; resolves with the status once the headers arrive (a stream is left open). */
function open(url, agent, drain = false) {
  return new Promise((resolve) => {
    const outgoing = request(url, { agent }, (response) => {
      if (drain) response.resume().on('end', () => resolve(response.statusCode));
      else {
        if (response.statusCode !== 200) response.resume();
        resolve(response.statusCode);
      }
    });
    outgoing.on('error', () => resolve(0));
    outgoing.end();
  });
}
