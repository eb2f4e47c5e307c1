/**
 * Live updates: server-sent events from `/api/events`, with polling of the JSON API as a
 * fallback while the event stream is unavailable. A stream that goes silent for a few
 * heartbeat intervals is treated as lost (see `silence-watchdog.ts`) and reopened.
 */
import type { HeartbeatEvent, JobView, RunLogEvent, RunProgressEvent, RunView } from './api-types.js';
import { SilenceWatchdog } from './silence-watchdog.js';

/** How the page is being kept up to date. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'polling';

/** What {@link connectLive} calls. */
export interface LiveHandlers {
  /** A run started or ended. */
  onRun(run: RunView): void;
  /** A job changed. */
  onJob(job: JobView): void;
  /** A running run reported progress. */
  onProgress(event: RunProgressEvent): void;
  /** A running run logged lines. */
  onLog(event: RunLogEvent): void;
  /** Reload everything (after a reconnect, and on each poll). */
  resync(): Promise<void>;
  /** The connection status changed. */
  onStatus(status: LiveStatus): void;
}

/** Options of {@link connectLive}. */
export interface LiveOptions {
  /** Milliseconds between polls while the stream is down. Default 5,000. */
  readonly pollMs?: number;
  /** Milliseconds of failed reconnects before polling starts. Default 6,000. */
  readonly pollAfterMs?: number;
}

/** Connects; returns a function that disconnects. */
export function connectLive(handlers: LiveHandlers, options: LiveOptions = {}): () => void {
  const pollMs = options.pollMs ?? 5_000;
  const pollAfterMs = options.pollAfterMs ?? 6_000;
  let poller: ReturnType<typeof setInterval> | null = null;
  let pollDelay: ReturnType<typeof setTimeout> | null = null;
  let source: EventSource | null = null;
  let lostConnection = false;

  const startPolling = (): void => {
    if (poller !== null) return;
    handlers.onStatus('polling');
    poller = setInterval(() => void handlers.resync().catch(() => undefined), pollMs);
  };
  const stopPolling = (): void => {
    if (poller !== null) clearInterval(poller);
    if (pollDelay !== null) clearTimeout(pollDelay);
    poller = null;
    pollDelay = null;
  };

  if (typeof EventSource === 'undefined') {
    startPolling();
    return stopPolling;
  }

  // Silent for too long: the connection is dead although the browser still holds it open.
  const watchdog = new SilenceWatchdog(() => {
    source?.close();
    source = null;
    lostConnection = true;
    pollDelay ??= setTimeout(startPolling, pollAfterMs);
    open();
  });

  const open = (): void => {
    handlers.onStatus(lostConnection ? 'reconnecting' : 'connecting');
    const events = new EventSource('api/events') // relative to the page: works under a mount prefix;
    source = events;
    // A reconnect that never answers is as dead as a silent stream (the server sends a heartbeat at once).
    watchdog.feed();
    events.addEventListener('heartbeat', (event) => watchdog.feed((JSON.parse((event as MessageEvent<string>).data) as HeartbeatEvent).everyMs));
    events.addEventListener('open', () => {
      stopPolling();
      handlers.onStatus('live');
      if (lostConnection) void handlers.resync().catch(() => undefined);
      lostConnection = false;
    });
    events.addEventListener('run', (event) => {
      watchdog.feed();
      handlers.onRun(JSON.parse((event as MessageEvent<string>).data) as RunView);
    });
    events.addEventListener('job', (event) => {
      watchdog.feed();
      handlers.onJob(JSON.parse((event as MessageEvent<string>).data) as JobView);
    });
    events.addEventListener('run:progress', (event) => {
      watchdog.feed();
      handlers.onProgress(JSON.parse((event as MessageEvent<string>).data) as RunProgressEvent);
    });
    events.addEventListener('run:log', (event) => {
      watchdog.feed();
      handlers.onLog(JSON.parse((event as MessageEvent<string>).data) as RunLogEvent);
    });
    events.addEventListener('error', () => {
      watchdog.stop();
      lostConnection = true;
      if (events.readyState === EventSource.CLOSED) {
        // The browser gave up (the route answered with an error): poll, and try again later.
        source = null;
        startPolling();
        setTimeout(open, pollMs * 6);
        return;
      }
      if (poller === null) handlers.onStatus('reconnecting');
      pollDelay ??= setTimeout(startPolling, pollAfterMs);
    });
  };
  open();

  return () => {
    stopPolling();
    watchdog.stop();
    source?.close();
  };
}
