/**
 * The smallest job: logs a line every 5 seconds.
 *
 *   npm run build && node dist/cli/main.js run examples/basic.ts
 */
import { BaseJob, type RunContext } from 'eleanor-jobs';

class Heartbeat extends BaseJob {
  execute(_signal: AbortSignal, run: RunContext): void {
    this.logger.info({ trigger: run.trigger }, 'still alive');
  }
}

export const heartbeat = new Heartbeat({ name: 'heartbeat', interval: 5, triggerOnStart: true });
