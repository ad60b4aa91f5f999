/**
 * @module
 * Usage history for a busy process (the gateway): observations are kept in memory, coalesced to one per
 * account per minute, and written together in the background at most every `flushIntervalMs` (and on
 * close). {@link UsageHistoryBuffer.add} does no I/O, so it may run on the request path.
 */

import type { CaoHome } from "./cao_home.ts";
import type { UsageSnapshot } from "./status_store.ts";
import { type HistoryEntry, recordUsageHistory } from "./usage_history.ts";
import { CoalescedFlush } from "../shared/coalesced_flush.ts";

/** Options of {@link UsageHistoryBuffer}. */
export interface HistoryBufferOptions {
  /** Write what was added this long after the first addition (default 60 000 ms). */
  flushIntervalMs?: number;
  /** Receives a one-line description of a failed write. */
  onError(message: string): void;
}

function minuteOf(usage: UsageSnapshot): number {
  return Math.floor(Date.parse(usage.observedAt) / 60_000);
}

/** Coalesced, background writes of usage observations to `usage_history.json`. */
export class UsageHistoryBuffer {
  readonly #home: CaoHome;
  readonly #options: HistoryBufferOptions;
  readonly #flush: CoalescedFlush;
  #pending = new Map<string, UsageSnapshot[]>();
  /** Number of history writes so far (tests, benchmark). */
  writes = 0;

  constructor(home: CaoHome, options: HistoryBufferOptions) {
    this.#home = home;
    this.#options = options;
    this.#flush = new CoalescedFlush(() => this.#write(), options.flushIntervalMs ?? 60_000);
  }

  /** Queues one observation; a later one in the same minute replaces the earlier. No I/O. */
  add(account: string, usage: UsageSnapshot): void {
    let list = this.#pending.get(account);
    if (!list) this.#pending.set(account, list = []);
    const last = list.at(-1);
    if (last !== undefined && minuteOf(last) === minuteOf(usage)) list[list.length - 1] = usage;
    else list.push(usage);
    this.#flush.schedule();
  }

  /** Writes what is queued now. */
  flush(): Promise<void> {
    return this.#flush.run();
  }

  /** Stops the timer and writes what is queued. */
  async close(): Promise<void> {
    await this.#flush.close();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const entries: HistoryEntry[] = [];
    for (const [account, list] of batch) for (const usage of list) entries.push({ account, usage });
    try {
      await recordUsageHistory(this.#home, entries);
      this.writes++;
    } catch (error) {
      this.#options.onError(`cannot write usage_history.json: ${(error as Error).message}`);
    }
  }
}
