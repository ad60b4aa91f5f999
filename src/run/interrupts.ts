/**
 * @module
 * The signals `cao run` receives while it supervises codex (SIGINT, SIGTERM, SIGHUP): recorded, fanned out
 * to the running supervisor (which forwards them to codex) and turned into an abort for waits. Listens
 * through the `onSignal` edge it is given, never directly.
 */

import type { SignalSubscription } from "../codex/run_supervisor.ts";

/** The signal edge: listens for a signal; returns the function that stops listening. */
export interface SignalEdge {
  onSignal(signal: Deno.Signal, handler: () => void): () => void;
}

/** The signals cao forwards to codex, fanned out to whoever listens, plus an abort for waits. */
export class Interrupts implements Disposable {
  received: Deno.Signal | null = null;
  readonly controller = new AbortController();
  #listeners = new Set<(signal: Deno.Signal) => void>();
  #removers: (() => void)[];

  constructor(deps: SignalEdge) {
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    this.#removers = signals.map((signal) => deps.onSignal(signal, () => this.#fire(signal)));
  }

  #fire(signal: Deno.Signal): void {
    this.received ??= signal;
    this.controller.abort();
    for (const listener of this.#listeners) listener(signal);
  }

  subscribe: SignalSubscription = (listener) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  [Symbol.dispose](): void {
    for (const remove of this.#removers) remove();
  }
}
