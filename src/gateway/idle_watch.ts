/**
 * @module
 * The gateway's idle timeout: an upstream exchange (waiting for headers, or a body, streamed or not) that shows
 * no activity for the idle time is aborted. Long streams that keep talking are never cut, and idleness is the
 * upstream's only: while a chunk waits for a client that reads slowly, the exchange is held (not counted).
 * One timer serves every exchange; marking activity is a plain field write (no clock read, no timer reset
 * per chunk). The timer stops at the first tick that finds nothing tracked, not when the last exchange
 * ends: one request at a time would otherwise start a timer per request, and each of those comes due later
 * anyway (`timers.ts`: a cancelled timer is only unlistened), making a `DOMException` per request.
 */

import { type Cancel, repeat } from "../shared/timers.ts";

/** One tracked exchange. */
export interface IdleTicket {
  /** Marks activity, and that the upstream is awaited again (cheap: call it per chunk). */
  touch(): void;
  /** The upstream is not awaited now (the client has not asked for more): not counted until the next touch. */
  hold(): void;
  /** Stops tracking. Idempotent. */
  done(): void;
}

interface Entry {
  lastTick: number;
  held: boolean;
  onIdle: () => void;
}

/** Aborts exchanges idle for longer than `idleMs`. */
export class IdleWatch {
  readonly #repeat: typeof repeat;
  readonly #idleMs: number;
  readonly #stepMs: number;
  readonly #entries = new Set<Entry>();
  #tick = 0;
  #timer: Cancel | undefined;

  /** `every` starts the ticking (tests count the starts). */
  constructor(idleMs: number, every: typeof repeat = repeat) {
    this.#repeat = every;
    this.#idleMs = idleMs;
    this.#stepMs = Math.min(5000, Math.max(20, Math.floor(idleMs / 4)));
  }

  /** Number of exchanges tracked now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Tracks an exchange; `onIdle` runs once when it has been idle for the idle time. */
  track(onIdle: () => void): IdleTicket {
    const entry: Entry = { lastTick: this.#tick, held: false, onIdle };
    this.#entries.add(entry);
    this.#start();
    return {
      touch: () => {
        entry.lastTick = this.#tick;
        entry.held = false;
      },
      hold: () => {
        entry.held = true;
      },
      done: () => {
        this.#entries.delete(entry);
      },
    };
  }

  /** Stops the timer and forgets every exchange (on shutdown). */
  close(): void {
    this.#entries.clear();
    this.#stop();
  }

  #start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#repeat(this.#stepMs, () => this.#check());
  }

  #stop(): void {
    if (this.#timer === undefined) return;
    this.#timer();
    this.#timer = undefined;
  }

  #check(): void {
    this.#tick++;
    const limit = Math.ceil(this.#idleMs / this.#stepMs);
    for (const entry of [...this.#entries]) {
      if (!entry.held && this.#tick - entry.lastTick > limit) {
        this.#entries.delete(entry);
        try {
          entry.onIdle();
        } catch { /* an abort handler must not stop the others */ }
      }
    }
    if (this.#entries.size === 0) this.#stop();
  }
}
