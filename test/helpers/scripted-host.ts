import type { ExecutionGrant, ExecutionOutcome, ExecutionRequest, HostedJob, JobEvent, JobHost, RestoredJobState, UnexecutedTicks } from '../../src/host.js';

/**
 * A {@link JobHost} that answers claims from a script, counting triggers like a store would,
 * and records what the job asked and reported. Its grants carry the request's controller's
 * signal, as the runner's host does; `abortGrant` aborts it as a lost lease would.
 */
export class ScriptedHost implements JobHost {
  readonly pollMs = 1_000;
  claimAheadMs = 0;
  readonly requests: ExecutionRequest[] = [];
  /** When each claim was asked for (fake time). */
  readonly claimedAt: number[] = [];
  readonly answers: Array<'grant' | 'busy' | 'taken' | 'fail'> = [];
  readonly recorded: UnexecutedTicks[] = [];
  readonly finished: ExecutionOutcome[] = [];
  /** Every event's type, with the run's trigger for trigger and run-end events. */
  readonly events: string[] = [];
  claimDelayMs = 0;
  restoreFailures = 0;
  restoreDelayMs = 0;
  /** Restores (and claims) never answer while set: a hanging store. */
  hanging = false;
  /** How recording unexecuted ticks goes: answered, never answered, or failed. */
  recording: 'answers' | 'hangs' | 'fails' = 'answers';
  /** What grants report as `unexecutedRecorded`; `null` leaves it out (all recorded). */
  unexecutedRecorded: number | null = null;
  /** What grants report as `liveUntil()`; `null` leaves it out (no limit). */
  grantLiveUntil: number | null = null;
  #trigger = 0;

  constructor(private readonly restored: RestoredJobState | null = null) {}

  async restore(): Promise<RestoredJobState | null> {
    if (this.hanging) return new Promise(() => undefined);
    if (this.restoreDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.restoreDelayMs));
    if (this.restoreFailures > 0) {
      this.restoreFailures--;
      return Promise.reject(new Error('store unreachable'));
    }
    return Promise.resolve(this.restored);
  }

  async claim(_job: HostedJob, request: ExecutionRequest): Promise<ExecutionGrant | 'busy' | null> {
    this.requests.push(request);
    this.claimedAt.push(Date.now());
    if (this.hanging) return new Promise(() => undefined);
    if (this.claimDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.claimDelayMs));
    const answer = this.answers.shift() ?? 'grant';
    if (answer === 'fail') throw new Error('store unreachable');
    if (answer === 'busy') return 'busy';
    if (answer === 'taken') return null;
    this.#trigger++;
    const liveUntil = this.grantLiveUntil;
    return {
      trigger: this.#trigger,
      runId: `run-${this.#trigger}`,
      fence: 7,
      signal: request.controller.signal,
      ...(this.unexecutedRecorded === null ? {} : { unexecutedRecorded: this.unexecutedRecorded }),
      ...(liveUntil === null ? {} : { liveUntil: () => liveUntil }),
    };
  }

  /** Aborts the latest grant's signal, as a host does when the lease is lost. */
  abortGrant(reason: Error): void {
    this.requests.at(-1)?.controller.abort(reason);
  }

  finish(_job: HostedJob, _grant: ExecutionGrant, outcome: ExecutionOutcome): Promise<void> {
    this.finished.push(outcome);
    return Promise.resolve();
  }

  recordUnexecuted(_job: HostedJob, ticks: UnexecutedTicks): Promise<number> {
    this.recorded.push(ticks);
    if (this.recording === 'hangs') return new Promise(() => undefined);
    if (this.recording === 'fails') return Promise.reject(new Error('store unreachable'));
    return Promise.resolve(ticks.ticks.length);
  }

  detach(): Promise<void> {
    return Promise.resolve();
  }

  onEvent(_job: HostedJob, event: JobEvent): void {
    if (event.type === 'trigger') this.events.push(`trigger ${event.run.trigger}`);
    else if (event.type === 'run-end') this.events.push(`run-end ${event.run.trigger} ${event.outcome.status}`);
    else if (event.type !== 'state') this.events.push(event.type);
  }
}
