// The job file bree runs in a fresh worker thread on every fire: it reports its start time
// (epoch ms) to the main thread and ends.
import { parentPort } from 'node:worker_threads';

parentPort?.postMessage({ t: performance.timeOrigin + performance.now() });
