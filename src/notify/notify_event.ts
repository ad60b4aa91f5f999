/**
 * @module
 * What cao notifies about, as data: a usage window crossing a threshold, work moved from one account to
 * another, every account limited, an account usable again, an account needing a new login. Each event has
 * an identity ({@link eventIdentity}): a key, the window cycle it belongs to and a level, so that one event
 * seen by several processes (the gateway and two `cao run`) is notified once. The events themselves and the
 * sink `run/` and `gateway/` emit into are declared in `accounts/notify_sink.ts`, below all three. Pure.
 */

import type { UsageSnapshot } from "../accounts/status_store.ts";
import type { NotifyEvent } from "../accounts/notify_sink.ts";
import type { UsageWindowName } from "../accounts/usage_samples.ts";

export { EVENT_KINDS, type EventKind, type NotifyEvent, type NotifySink } from "../accounts/notify_sink.ts";

/** What makes two events the same one. */
export interface EventIdentity {
  /** Same key: same subject (e.g. `moved:work`). */
  key: string;
  /** The window cycle (a reset time, epoch seconds) it belongs to; null when there is none. */
  cycle: number | null;
  /** Within a cycle, only a higher level is new (thresholds: the percent). */
  level: number;
  /** Without a cycle, the same key is new again after this long. */
  repeatAfterMs: number;
}

/** Two cycles this close (seconds) are the same one: processes read resets from different answers. */
export const SAME_CYCLE_SECONDS = 15 * 60;

const MINUTES = 60_000;

/** The identity of an event. Pure. */
export function eventIdentity(event: NotifyEvent): EventIdentity {
  switch (event.kind) {
    case "threshold":
      return {
        key: `threshold:${event.account}:${event.window}`,
        cycle: event.resetsAt,
        level: event.threshold,
        repeatAfterMs: event.window === "primary" ? 5 * 60 * MINUTES : 7 * 24 * 60 * MINUTES,
      };
    case "moved":
      return { key: `moved:${event.from}`, cycle: event.fromUntil, level: 0, repeatAfterMs: 10 * MINUTES };
    case "all-limited":
      return { key: "all-limited", cycle: event.at, level: 0, repeatAfterMs: 10 * MINUTES };
    case "usable-again":
      return {
        key: `usable-again:${event.account}`,
        cycle: event.until,
        level: 0,
        repeatAfterMs: 10 * MINUTES,
      };
    case "needs-login":
      return { key: `needs-login:${event.account}`, cycle: null, level: 0, repeatAfterMs: 24 * 60 * MINUTES };
  }
}

/** The last notification of a key, as the dedup log keeps it. */
export interface SentMark {
  cycle: number | null;
  level: number;
  /** When it was sent, epoch ms. */
  atMs: number;
}

/** Whether an event is new against the last one sent with the same key (undefined: none). Pure. */
export function isNewEvent(identity: EventIdentity, previous: SentMark | undefined, nowMs: number): boolean {
  if (previous === undefined) return true;
  let sameCycle: boolean;
  if (identity.cycle !== null && previous.cycle !== null) {
    sameCycle = Math.abs(identity.cycle - previous.cycle) <= SAME_CYCLE_SECONDS;
  } else {
    sameCycle = identity.cycle === previous.cycle && nowMs - previous.atMs < identity.repeatAfterMs;
  }
  return !sameCycle || identity.level > previous.level;
}

/** Per window, the percents worth a notification (default 80 and 95). */
export type Thresholds = Record<UsageWindowName, number[]>;

/**
 * The threshold events a usage reading makes: per window, the highest threshold at or below its used
 * percent (a window whose reset has passed, or that is used up — a limit, told otherwise — makes none). Pure.
 */
export function thresholdEvents(
  account: string,
  usage: UsageSnapshot,
  thresholds: Thresholds,
  nowSeconds: number,
): NotifyEvent[] {
  const events: NotifyEvent[] = [];
  for (const window of ["primary", "secondary"] as const) {
    const w = usage[window];
    if (w === null || (w.resetsAt !== null && w.resetsAt <= nowSeconds)) continue;
    // A window at 100 % is a usage limit: "moved" or "all-limited" tells it.
    if (w.usedPercent >= 100) continue;
    const crossed = thresholds[window].filter((t) => w.usedPercent >= t);
    if (crossed.length === 0) continue;
    events.push({
      kind: "threshold",
      account,
      window,
      threshold: Math.max(...crossed),
      usedPercent: w.usedPercent,
      resetsAt: w.resetsAt,
    });
  }
  return events;
}
