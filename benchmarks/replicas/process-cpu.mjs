// CPU time of processes, read from /proc/<pid>/stat (Linux), in milliseconds.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (`getconf CLK_TCK`; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name, or null when the process is gone. */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Parent pid of `pid`, or null when it is gone. */
export function parentPid(pid) {
  const fields = statFields(pid);
  return fields === null ? null : Number(fields[1]);
}

/**
 * User + system CPU milliseconds of `pid`; with `withReaped`, also of its children that exited
 * and were waited for (a server's closed backends). 0 when the process is gone.
 */
export function cpuMs(pid, withReaped = false) {
  const fields = statFields(pid);
  if (fields === null) return 0;
  // Fields after the name start at stat field 3: utime is field 14, stime 15, cutime 16, cstime 17.
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]));
  const ticks = utime + stime + (withReaped ? cutime + cstime : 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds of a server and every process it forked (live or reaped): e.g. PostgreSQL. */
export function processTreeCpuMs(rootPid) {
  let total = cpuMs(rootPid, true);
  for (const entry of readdirSync('/proc')) {
    if (/^[0-9]+$/.test(entry) && parentPid(entry) === rootPid) total += cpuMs(entry);
  }
  return total;
}
