/**
 * @module
 * The events that change an account's status, as pure mutations of an {@link AccountStatus}: an attempt, a
 * success, a failure, a usage limit (with its cooldown), observed usage windows, a dead login. `cao run` and
 * the gateway both record through these, inside `updateStatusFile`.
 */

import { redactSecrets } from "../shared/redact.ts";
import type { AccountStatus, UsageSnapshot } from "./status_store.ts";

/** Default cooldown after a usage limit whose reset time is unknown: one hour. */
export const DEFAULT_COOLDOWN_MS = 60 * 60 * 1000;

/** A run or request started. */
export function recordAttempt(status: AccountStatus, now: Date): void {
  status.attempts += 1;
  status.lastAttemptAt = now.toISOString();
}

/** A run or request completed normally: failures reset, a stale cooldown clears. */
export function recordSuccess(status: AccountStatus, now: Date): void {
  status.successes += 1;
  status.consecutiveFailures = 0;
  status.lastSuccessAt = now.toISOString();
  if (status.cooldownUntil !== null && Date.parse(status.cooldownUntil) <= now.getTime()) {
    status.cooldownUntil = null;
  }
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
}

/** The account hit its usage limit: cooldown until the reset (or the default), windows recorded. */
export function recordQuotaHit(status: AccountStatus, now: Date, hit: QuotaHit): Date {
  const until = hit.resetsAt && hit.resetsAt.getTime() > now.getTime()
    ? hit.resetsAt
    : new Date(now.getTime() + (hit.defaultCooldownMs ?? DEFAULT_COOLDOWN_MS));
  status.lastQuotaHitAt = now.toISOString();
  status.cooldownUntil = until.toISOString();
  status.lastError = redactSecrets(hit.message ?? "usage limit reached").split("\n")[0].slice(0, 500);
  if (hit.usage) status.usage = hit.usage;
  return until;
}

/** Usage windows were observed (response headers, rollout, usage endpoint). */
export function recordUsage(status: AccountStatus, usage: UsageSnapshot): void {
  status.usage = usage;
}

/** A refresh was refused for good: the account needs a new login. */
export function markNeedsRelogin(status: AccountStatus, reason: string): void {
  status.needsRelogin = true;
  status.needsReloginReason = redactSecrets(reason).slice(0, 300);
}

/** Clears a cooldown (by hand, or because it expired). Returns whether one was active. */
export function clearCooldown(status: AccountStatus): boolean {
  const had = status.cooldownUntil !== null;
  status.cooldownUntil = null;
  return had;
}

/** The cooldown still in force at `now`, or null (expired cooldowns count as none). */
export function activeCooldown(status: AccountStatus, now: Date): Date | null {
  if (status.cooldownUntil === null) return null;
  const until = new Date(status.cooldownUntil);
  return until.getTime() > now.getTime() ? until : null;
}
