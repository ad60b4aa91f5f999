/**
 * @module
 * The events `run/` and `gateway/` tell the user about, and the sink they hand them to: declared here, below
 * both, so that neither imports `notify/` (which implements the sink; the CLI wires it in). A usage window
 * crossing a threshold, work moved from one account to another, every account limited, an account usable
 * again, an account needing a new login. Types only.
 */

import type { UsageSnapshot } from "./status_store.ts";
import type { UsageWindowName } from "./usage_samples.ts";

/** The kinds of events, in the order `cao notify status` lists them. */
export const EVENT_KINDS = ["threshold", "moved", "all-limited", "usable-again", "needs-login"] as const;

/** One kind of event. */
export type EventKind = typeof EVENT_KINDS[number];

/** Something worth telling the user. Times are epoch seconds. */
export type NotifyEvent =
  /** `account`'s `window` is at `usedPercent`, at or above `threshold` (the highest one crossed). */
  | {
    kind: "threshold";
    account: string;
    window: UsageWindowName;
    threshold: number;
    usedPercent: number;
    resetsAt: number | null;
  }
  /** The work moved from `from` (limited until `fromUntil`, when known) to `to`, in the gateway or `cao run`. */
  | { kind: "moved"; from: string; to: string; via: "gateway" | "run"; fromUntil: number | null }
  /** Every account is limited; `account` resets first, at `at`. */
  | { kind: "all-limited"; account: string; at: number }
  /** `account`'s cooldown until `until` is over: its reset passed, or the usage endpoint showed room. */
  | { kind: "usable-again"; account: string; why: "reset-passed" | "usage-room"; until: number }
  /** `account`'s login was refused for good: it needs `cao add <account>`. */
  | { kind: "needs-login"; account: string; reason: string };

/** Where `run/` and `gateway/` hand events; it must never block nor throw. */
export interface NotifySink {
  /** One event; dropped when already notified (in this process or another). */
  emit(event: NotifyEvent): void;
  /** A usage reading: its threshold crossings become events. */
  observeUsage(account: string, usage: UsageSnapshot): void;
}
