/**
 * @module
 * The small texts every human view shares (percent used and time to reset, cooldown left, "5m ago", an
 * absolute minute, failures), so that the dashboard, the compact and full views, `cao list --details` and
 * the report say the same thing the same way. Pure.
 */

import type { AccountStatus } from "../accounts/status_store.ts";
import { activeCooldown } from "../accounts/status_events.ts";
import { formatDuration, formatRelative } from "../shared/format.ts";
import type { WindowAt } from "./account_state.ts";

/** `40%`, `100%`; `-` when nothing was recorded; `reset` when the window has reset since. Pure. */
export function percentText(window: WindowAt | null): string {
  if (window === null) return "-";
  if (window.stale) return "reset";
  return `${Math.round(window.usedPercent)}%`;
}

/** `40% (in 2h 10m)`, for one-line views. Pure. */
export function windowCell(window: WindowAt | null, now: Date): string {
  if (window === null) return "-";
  if (window.stale) return `reset ${formatRelative(window.resetsAt!, now)}`;
  const reset = window.resetsAt === null
    ? ""
    : ` (${formatDuration(window.resetsAt.getTime() - now.getTime())})`;
  return `${percentText(window)}${reset}`;
}

/** `1h 2m left`, or `-` when no cooldown is active. Pure. */
export function cooldownText(status: AccountStatus, now: Date): string {
  const until = activeCooldown(status, now);
  return until === null ? "-" : `${formatDuration(until.getTime() - now.getTime())} left`;
}

/** How long a cooldown that ended early is mentioned in the short views. */
const HEALED_NOTE_MS = 6 * 3600_000;

/**
 * `cooldown cleared 5m ago: the usage endpoint showed room`, for a cooldown that ended early (healed or
 * cleared by hand) within the last hours; null otherwise (one that ran its course, `reset-passed` or
 * `answered`, is nothing to say). Pure.
 */
export function healedText(status: AccountStatus, now: Date): string | null {
  const cleared = status.cooldownCleared;
  if (cleared === null || status.cooldownUntil !== null) return null;
  if (cleared.why !== "usage-room" && cleared.why !== "by-hand") return null;
  const at = Date.parse(cleared.at);
  if (!(now.getTime() - at < HEALED_NOTE_MS)) return null;
  const why = cleared.why === "usage-room" ? "the usage endpoint showed room" : "by hand";
  return `cooldown cleared ${formatRelative(new Date(at), now)}: ${why}`;
}

/** `5m ago` for an ISO time, `never` for null. Pure. */
export function agoText(iso: string | null, now: Date): string {
  if (iso === null) return "never";
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? "never" : formatRelative(at, now);
}

/** `2026-11-21T14:10Z`: an absolute time to the minute, for reports and the full view. Pure. */
export function minuteText(at: Date | null): string {
  return at === null ? "-" : at.toISOString().replace(/:\d{2}\.\d{3}Z$/, "Z");
}

/** `none`, or `2 in a row, 5 total`. Pure. */
export function failuresText(status: AccountStatus): string {
  return status.failures === 0 ? "none" : `${status.consecutiveFailures} in a row, ${status.failures} total`;
}
