// Runs one case in a fresh `node --expose-gc` process and collects its result lines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RESULT_MARK } from './child-io.mjs';

const CASES_DIR = fileURLToPath(new URL('../cases/', import.meta.url));

/** How long a stopped case may take to exit on its own before it counts as "did not exit". */
export const EXIT_BOUND_MS = 5000;

/**
 * Resolves { result, seconds } where `result` merges every `@bench` JSON line the child
 * printed, or has `error`. With `expectsExit` (the stop case), once the child reports
 * `stopMs` it gets EXIT_BOUND_MS to end by itself, else it is killed and `exited` is false.
 */
export function runChild(spec, { timeoutMs }) {
  const args = ['--expose-gc', '--max-old-space-size=4096', `${CASES_DIR}${spec.file}.mjs`, '--lib', spec.lib];
  for (const [k, v] of Object.entries(spec.args)) args.push(`--${k}`, String(v));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  return new Promise((resolve) => {
    const result = {};
    let stdoutTail = '';
    let stderr = '';
    let killedFor = null;
    const kill = (why) => {
      killedFor ??= why;
      child.kill('SIGKILL');
    };
    const deadline = setTimeout(() => kill('timeout'), timeoutMs);
    let exitBound = null;

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const lines = (stdoutTail + chunk).split('\n');
      stdoutTail = lines.pop();
      for (const line of lines) {
        if (!line.startsWith(RESULT_MARK)) continue;
        Object.assign(result, JSON.parse(line.slice(RESULT_MARK.length)));
        if (spec.expectsExit && 'stopMs' in result && !exitBound) {
          exitBound = setTimeout(() => kill('no-exit'), EXIT_BOUND_MS);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-2000);
    });

    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(exitBound);
      const seconds = (performance.now() - started) / 1000;
      if (killedFor === 'timeout') {
        result.error = `timed out after ${Math.round(timeoutMs / 1000)} s`;
      } else if (spec.expectsExit && 'stopMs' in result) {
        result.exited = killedFor !== 'no-exit';
      } else if (!result.error && (code !== 0 || Object.keys(result).length === 0)) {
        const lastLine = stderr.trim().split('\n').slice(-3).join(' | ');
        result.error = `exit ${code ?? signal}${lastLine ? `: ${lastLine}` : ''}`;
      }
      resolve({ result, seconds });
    });
  });
}
