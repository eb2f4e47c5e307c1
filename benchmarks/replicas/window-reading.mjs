// One reading of a replicas benchmark: the CPU of each replica and of PostgreSQL, and
// PostgreSQL's counters for the benchmark's schema, at one moment.
import { readCounters } from './pg-counters.mjs';
import { cpuMs, processTreeCpuMs } from './process-cpu.mjs';

/** Replicas' (`pids`) and PostgreSQL's (`serverPid`, with its backends) CPU ms and the counters of `schema`. */
export async function reading(monitor, schema, pids, serverPid) {
  return { at: Date.now(), replicaCpu: pids.map((pid) => cpuMs(pid)), serverCpu: processTreeCpuMs(serverPid), counters: await readCounters(monitor, schema) };
}
