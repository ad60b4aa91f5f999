/**
 * @module
 * The shape every background writer of a busy process shares (the gateway's usage history buffer, the
 * notifier; the gateway's status sync has the same one): callers queue work in memory and ask for a flush;
 * the asks of a while are served by one run, after a delay (a timer) or at the end of the current turn (a
 * microtask); runs never overlap, each waits for the one before; after {@link CoalescedFlush.close} no timer
 * is started, though a run can still be asked for. What a run does (take the queue, write it, report a
 * failure) is the caller's; nothing here does I/O.
 */

import { type Cancel, later } from "./timers.ts";

/** When a {@link CoalescedFlush.schedule}d run starts: this many milliseconds after the first ask, or in a microtask. */
export type FlushDelay = number | "microtask";

/** One run at a time of `run`, asked for by many. */
export class CoalescedFlush {
  readonly #run: () => Promise<void>;
  readonly #delay: FlushDelay;
  #timer: Cancel | undefined;
  #scheduled = false;
  #busy: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(run: () => Promise<void>, delay: FlushDelay) {
    this.#run = run;
    this.#delay = delay;
  }

  /** Asks for a run after the delay; the asks before it starts share it. Does nothing once closed. */
  schedule(): void {
    if (this.#closed) return;
    if (this.#delay === "microtask") {
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        void this.run().catch(() => {});
      });
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = later(this.#delay, () => {
      this.#timer = undefined;
      void this.run().catch(() => {});
    });
  }

  /** Runs now, after the run under way (if any); a scheduled run still happens. Rejects when `run` throws. */
  run(): Promise<void> {
    return this.serially(this.#run);
  }

  /** Runs another task in the same line as the runs (e.g. a reload that must not interleave with a write). */
  serially(task: () => Promise<void>): Promise<void> {
    const next = this.#busy.then(task, task);
    this.#busy = next.catch(() => {});
    return next;
  }

  /** Cancels the timer and runs at once, after the run under way: for work that must not wait. */
  runNow(): Promise<void> {
    this.#timer?.();
    this.#timer = undefined;
    return this.run();
  }

  /** Stops scheduling (no timer is started again) and runs once more for what is queued. */
  close(): Promise<void> {
    this.#closed = true;
    return this.runNow();
  }
}
