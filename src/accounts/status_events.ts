/**
 * @module
 * The events that change an account's status, as pure mutations of an {@link AccountStatus}: an attempt, a
 * success, a failure, a usage limit (with its cooldown), observed usage windows, a dead login. `cao run` and
 * the gateway both record through these, inside `updateStatusFile`.
 */

import { redactSecrets } from "../shared/redact.ts";
import type { AccountStatus, CooldownClearReason, UsageSnapshot, UsageWindow } from "./status_store.ts";

/** Default cooldown after a usage limit whose reset time is unknown: one hour. */
export const DEFAULT_COOLDOWN_MS = 60 * 60 * 1000;

/** A run or request started. */
export function recordAttempt(status: AccountStatus, now: Date): void {
  status.attempts += 1;
  status.lastAttemptAt = now.toISOString();
}

/**
 * A run or request completed normally: failures reset, and a cooldown whose reset has passed ends the way
 * every cooldown ends (its reason and source cleared, `cooldownCleared` recorded, `why: "answered"`, by `by`:
 * `gateway (pid 4242)`, `cao run (pid 42)`; by default this process, `cao (pid 42)`). A cooldown still in
 * force stays. Pure mutation.
 */
export function recordSuccess(status: AccountStatus, now: Date, by = `cao (pid ${Deno.pid})`): void {
  status.successes += 1;
  status.consecutiveFailures = 0;
  status.lastSuccessAt = now.toISOString();
  if (passedCooldown(status, now) !== null) clearCooldown(status, { now, why: "answered", by });
}

/** A run or request failed for a reason other than a usage limit. */
export function recordFailure(status: AccountStatus, now: Date, error: string): void {
  status.failures += 1;
  status.consecutiveFailures += 1;
  status.lastFailureAt = now.toISOString();
  status.lastError = redactSecrets(error.split("\n")[0]).slice(0, 500);
}

/** Details of a usage limit. */
export interface QuotaHit {
  /** When the limit resets, if the upstream said. */
  resetsAt: Date | null;
  /** The usage windows seen with it. */
  usage?: UsageSnapshot | null;
  /** The message, for `lastError`. */
  message?: string;
  /** Cooldown when `resetsAt` is unknown (default one hour). */
  defaultCooldownMs?: number;
  /** Who saw it, from which answer (`cooldownSource`), e.g. `cao run (pid 42): the rollout of codex exec`. */
  source?: string;
}

/** The account hit its usage limit: cooldown until the reset (or the default), windows recorded. */
export function recordQuotaHit(status: AccountStatus, now: Date, hit: QuotaHit): Date {
  const until = hit.resetsAt && hit.resetsAt.getTime() > now.getTime()
    ? hit.resetsAt
    : new Date(now.getTime() + (hit.defaultCooldownMs ?? DEFAULT_COOLDOWN_MS));
  status.lastQuotaHitAt = now.toISOString();
  status.cooldownUntil = until.toISOString();
  status.lastError = redactSecrets(hit.message ?? "usage limit reached").split("\n")[0].slice(0, 500);
  status.cooldownReason = status.lastError;
  status.cooldownSource = hit.source ? redactSecrets(hit.source).slice(0, 300) : null;
  if (hit.usage) recordUsage(status, hit.usage);
  return until;
}

/** Usage windows were observed (response headers, rollout, usage endpoint): merged by {@link mergeUsage}. */
export function recordUsage(status: AccountStatus, usage: UsageSnapshot): void {
  status.usage = mergeUsage(status.usage, usage);
}

/**
 * Whether a window recorded in `earlier` has provably ended by `atMs`: its reset time has passed, or, with no
 * reset time, a whole window length has gone by since `earlier` was observed (it was seen then or before).
 * A window with neither is kept. Pure.
 */
function endedBy(window: UsageWindow, earlier: UsageSnapshot, atMs: number): boolean {
  if (window.resetsAt !== null) return window.resetsAt * 1000 <= atMs;
  if (window.windowMinutes === null) return false;
  return Date.parse(earlier.observedAt) + window.windowMinutes * 60_000 <= atMs;
}

/**
 * What the usage record is after `reading`: a reading replaces only the windows it carries (a 429 with only
 * the 5-hour headers leaves the weekly window alone). A window it does not carry stays from the earlier
 * record unless that window has provably ended by the reading's time (then it is dropped: its percent no
 * longer holds). `observedAt` and `source` become the reading's; a reading that carries no window changes
 * nothing. Pure.
 */
export function mergeUsage(earlier: UsageSnapshot | null, reading: UsageSnapshot): UsageSnapshot {
  if (earlier === null) return reading;
  if (reading.primary === null && reading.secondary === null) return earlier;
  const atMs = Date.parse(reading.observedAt);
  const keep = (window: UsageWindow | null) =>
    window !== null && !endedBy(window, earlier, atMs) ? window : null;
  return {
    ...reading,
    primary: reading.primary ?? keep(earlier.primary),
    secondary: reading.secondary ?? keep(earlier.secondary),
  };
}

/** A refresh was refused for good: the account needs a new login. */
export function markNeedsRelogin(status: AccountStatus, reason: string): void {
  status.needsRelogin = true;
  status.needsReloginReason = redactSecrets(reason).slice(0, 300);
}

/** Working tokens appeared again (a new login, or another holder's rotation adopted). Returns whether it was set. */
export function clearNeedsRelogin(status: AccountStatus): boolean {
  if (!status.needsRelogin) return false;
  status.needsRelogin = false;
  status.needsReloginReason = null;
  return true;
}

/** Who clears a cooldown and why, for the record (`cooldownCleared`). */
export interface ClearedBy {
  now: Date;
  why: CooldownClearReason;
  /** The process: `gateway (pid 4242)`, `cao status --refresh`, `cao cooldown clear`, `cao run`. */
  by: string;
}

/** Clears a cooldown (by hand, healed, or expired), recording how when `cleared` says. Returns whether one was set. */
export function clearCooldown(status: AccountStatus, cleared?: ClearedBy): boolean {
  const until = status.cooldownUntil;
  if (until === null) return false;
  status.cooldownUntil = null;
  status.cooldownReason = null;
  status.cooldownSource = null;
  if (cleared) {
    status.cooldownCleared = { at: cleared.now.toISOString(), why: cleared.why, by: cleared.by, until };
  }
  return true;
}

/** What a reading of the usage endpoint did to a cooldown. */
export type ReadingEffect = "cleared" | "set" | "unchanged";

/**
 * A usage-endpoint reading (`cao status --refresh`, the gateway's cooldown probe): the windows are recorded;
 * when the limit is reached, a cooldown is set until the latest reset among the full windows (else the
 * latest reset given) unless a longer one is in force; when the windows show room, an active cooldown is
 * cleared as healed (`why: "usage-room"`). Pure mutation.
 */
export function applyUsageReading(
  status: AccountStatus,
  reading: { usage: UsageSnapshot; limitReached: boolean },
  now: Date,
  by: string,
): ReadingEffect {
  recordUsage(status, reading.usage);
  const active = activeCooldown(status, now);
  const windows = [reading.usage.primary, reading.usage.secondary];
  if (!reading.limitReached) {
    if (active === null) return "unchanged";
    clearCooldown(status, { now, why: "usage-room", by });
    return "cleared";
  }
  const full = windows.filter((w) => w !== null && w.usedPercent >= 100 && w.resetsAt !== null);
  const resets = (full.length > 0 ? full : windows).map((w) => w?.resetsAt ?? 0);
  const latest = Math.max(0, ...resets);
  if (latest * 1000 <= now.getTime()) return "unchanged";
  const until = new Date(latest * 1000);
  if (active !== null && active.getTime() >= until.getTime()) return "unchanged";
  status.cooldownUntil = until.toISOString();
  status.cooldownReason = "usage limit (the usage endpoint says limit_reached)";
  status.cooldownSource = by;
  return "set";
}

/** The cooldown still in force at `now`, or null (expired cooldowns count as none). */
export function activeCooldown(status: AccountStatus, now: Date): Date | null {
  if (status.cooldownUntil === null) return null;
  const until = new Date(status.cooldownUntil);
  return until.getTime() > now.getTime() ? until : null;
}

/** The end of a recorded cooldown that is over at `now` (no longer in force, not yet cleared), or null. Pure. */
export function passedCooldown(status: AccountStatus, now: Date): Date | null {
  if (status.cooldownUntil === null) return null;
  const until = new Date(status.cooldownUntil);
  return until.getTime() <= now.getTime() ? until : null;
}

/**
 * Clears a cooldown that is over at `now`, recorded as `reset-passed` by `by`; returns the end it had, or null
 * when no such cooldown was recorded. Pure mutation.
 */
export function clearPassedCooldown(status: AccountStatus, now: Date, by: string): Date | null {
  const until = passedCooldown(status, now);
  if (until !== null) clearCooldown(status, { now, why: "reset-passed", by });
  return until;
}
