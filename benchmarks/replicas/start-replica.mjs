// Starts one replica process (replica.mjs) of a benchmark run and follows its output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const replicaPath = fileURLToPath(new URL('./replica.mjs', import.meta.url));

/**
 * Starts replica.mjs with `args`; `ready` resolves with the epoch ms it reports once started,
 * (rejects when it exits before), `done` with its final JSON report (rejects when it exits non-zero).
 */
export function startReplica(args) {
  const child = spawn(process.execPath, [replicaPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let markReady;
  let failReady;
  const ready = new Promise((resolve, reject) => ([markReady, failReady] = [resolve, reject]));
  // No-op once ready: a replica that exits before it reports ready must not leave the caller waiting.
  child.on('exit', (code) => failReady(new Error(`replica exited ${code} before it was ready`)));
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const firstLine = out.indexOf('\n');
    if (firstLine >= 0) markReady(JSON.parse(out.slice(0, firstLine)).ready);
  });
  const done = new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`replica exited ${code}`)))),
  );
  return { pid: child.pid, ready, done };
}
