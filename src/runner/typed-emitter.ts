/**
 * A minimal, typed event emitter: one map from event name to payload type, one payload
 * object per event. Unlike `node:events`, a listener that throws never reaches the emitter's
 * caller (it goes to the error handler), and there is no special `error` event.
 */

/** A listener of event `K` of map `Events`. */
export type Listener<Events, K extends keyof Events> = (payload: Events[K]) => void;

/** Receives errors thrown by listeners. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * Typed publish/subscribe over an event map such as `{ 'run:end': RunEndEvent }`.
 *
 * @typeParam Events - maps each event name to its payload type
 */
export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<Events, never>>>();
  readonly #onListenerError: ListenerErrorHandler;

  /** @param onListenerError - receives whatever a listener throws (default: a process warning) */
  constructor(onListenerError?: ListenerErrorHandler) {
    this.#onListenerError =
      onListenerError ?? ((error, event) => process.emitWarning(`listener of "${event}" threw: ${String(error)}`, 'EleanorListenerWarning'));
  }

  /** Adds `listener` for `event`; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<Events, never>);
    return () => this.off(event, listener);
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /** Removes `listener` from `event`. */
  off<K extends keyof Events>(event: K, listener: Listener<Events, K>): void {
    this.#listeners.get(event)?.delete(listener as Listener<Events, never>);
  }

  /** Whether `event` has any listener (lets emitters skip building payloads). */
  hasListeners(event: keyof Events): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  /** Calls every listener of `event` with `payload`, in the order they were added. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as Listener<Events, K>)(payload);
      } catch (error) {
        this.#onListenerError(error, String(event));
      }
    }
  }
}
