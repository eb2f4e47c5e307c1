/**
 * The signals that ask a runner process to shut down.
 *
 * - `SIGINT`: Ctrl-C in a terminal.
 * - `SIGTERM`: what `docker stop`, Kubernetes, systemd and most process managers send first.
 *
 * `SIGHUP` (terminal closed) and `SIGQUIT` (core dump) keep their default behaviour; `SIGKILL`
 * cannot be caught (a killed process's running runs are marked `interrupted` at the next
 * start).
 */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One of {@link SHUTDOWN_SIGNALS}. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Calls `handler` for every shutdown signal the process receives, with how many have been
 * received so far (1 for the first). Installing a handler replaces Node's default, which
 * would exit at once. Returns a function that removes the handlers.
 */
export function onShutdownSignals(handler: (signal: ShutdownSignal, count: number) => void): () => void {
  let count = 0;
  const listeners = SHUTDOWN_SIGNALS.map((signal) => {
    const listener = (): void => handler(signal, ++count);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
