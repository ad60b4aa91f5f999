/**
 * @module
 * The account-selection policy shared by `cao run` and the gateway: which account to use next. Pure: the
 * inputs are the registry order, each account's status and login state, the policy and a `now`.
 *
 * Order: the default account first, then registry order. Never an account that is cooling down (a cooldown
 * whose time has passed no longer counts), that needs a new login, that the caller reports busy (in use
 * elsewhere, e.g. another `cao run` holds its run lock), or that is excluded by the caller (e.g. already
 * tried). Accounts above the switch threshold or their own reserve are used only when nothing below it is
 * available.
 */

import type { Registry } from "./registry.ts";
import type { AccountStatus } from "./status_store.ts";
import { emptyAccountStatus } from "./status_store.ts";
import { activeCooldown } from "./status_events.ts";

/** What selection knows about one account. */
export interface SelectionCandidate {
  name: string;
  isDefault: boolean;
  status: AccountStatus;
  /** False when the account has no usable login (not logged in, unreadable auth). */
  canLogIn: boolean;
  /** Per-account reserve: avoid above this percent used (null: none). */
  reservePercent: number | null;
}

/** Tunables of the policy. */
export interface SelectionPolicy {
  /** Avoid accounts whose 5-hour or weekly window is at or above this percent (null: no threshold). */
  switchAtPercent: number | null;
}

/** Why an account can or cannot be used now. */
export type Availability =
  | { kind: "available" }
  | { kind: "over-threshold"; percent: number }
  | { kind: "cooling"; until: Date }
  | { kind: "needs-login"; reason: string }
  /** Usable, but in use elsewhere (another `cao run` holds its run lock). */
  | { kind: "busy" };

/** The result of a selection. */
export type Selection =
  | { kind: "selected"; name: string; overThreshold: boolean }
  | { kind: "none"; earliestReset: { name: string; at: Date } | null; reasons: Record<string, Availability> };

/** The highest percent used across the windows that have not reset yet. Pure. */
export function highestUsedPercent(status: AccountStatus, now: Date): number | null {
  const windows = [status.usage?.primary, status.usage?.secondary].filter((w) => w != null);
  const live = windows.filter((w) => w.resetsAt === null || w.resetsAt * 1000 > now.getTime());
  return live.length === 0 ? null : Math.max(...live.map((w) => w.usedPercent));
}

/**
 * Whether one account can be used at `now`. An account in `busy` that could otherwise be used is `busy` (a
 * missing login or a cooldown says more, and wins). Pure.
 */
export function accountAvailability(
  candidate: SelectionCandidate,
  policy: SelectionPolicy,
  now: Date,
  busy?: ReadonlySet<string>,
): Availability {
  if (!candidate.canLogIn) return { kind: "needs-login", reason: "not logged in" };
  if (candidate.status.needsRelogin) {
    return { kind: "needs-login", reason: candidate.status.needsReloginReason ?? "login refused" };
  }
  const until = activeCooldown(candidate.status, now);
  if (until !== null) return { kind: "cooling", until };
  if (busy?.has(candidate.name)) return { kind: "busy" };
  const used = highestUsedPercent(candidate.status, now);
  const limits = [policy.switchAtPercent, candidate.reservePercent].filter((v): v is number => v !== null);
  if (used !== null && limits.some((limit) => used >= limit)) {
    return { kind: "over-threshold", percent: used };
  }
  return { kind: "available" };
}

/** Orders candidates: default first, then as given. Pure. */
export function preferenceOrder(candidates: SelectionCandidate[]): SelectionCandidate[] {
  return [...candidates.filter((c) => c.isDefault), ...candidates.filter((c) => !c.isDefault)];
}

/** Options of {@link selectNextAccount}. */
export interface SelectOptions {
  now: Date;
  policy: SelectionPolicy;
  /** Accounts not to consider at all (e.g. already tried); they get no reason. */
  exclude?: ReadonlySet<string>;
  /** Accounts in use elsewhere: passed over like an unavailable account, with the reason `busy`. */
  busy?: ReadonlySet<string>;
}

/** Picks the next account, skipping `exclude` and passing over `busy`. Pure. */
export function selectNextAccount(candidates: SelectionCandidate[], options: SelectOptions): Selection {
  const reasons: Record<string, Availability> = {};
  let fallback: string | null = null;
  for (const candidate of preferenceOrder(candidates)) {
    if (options.exclude?.has(candidate.name)) continue;
    const availability = accountAvailability(candidate, options.policy, options.now, options.busy);
    reasons[candidate.name] = availability;
    if (availability.kind === "available") {
      return { kind: "selected", name: candidate.name, overThreshold: false };
    }
    if (availability.kind === "over-threshold" && fallback === null) fallback = candidate.name;
  }
  if (fallback !== null) return { kind: "selected", name: fallback, overThreshold: true };
  let earliest: { name: string; at: Date } | null = null;
  for (const [name, availability] of Object.entries(reasons)) {
    if (availability.kind === "cooling" && (earliest === null || availability.until < earliest.at)) {
      earliest = { name, at: availability.until };
    }
  }
  return { kind: "none", earliestReset: earliest, reasons };
}

/**
 * Why no account can take new work, over every candidate (including those a caller already tried and
 * excluded, e.g. the gateway after a usage limit): each one's availability and the earliest cooldown end.
 * Pure.
 */
export function poolUnavailability(
  candidates: SelectionCandidate[],
  policy: SelectionPolicy,
  now: Date,
): Extract<Selection, { kind: "none" }> {
  const reasons: Record<string, Availability> = {};
  let earliest: { name: string; at: Date } | null = null;
  for (const candidate of preferenceOrder(candidates)) {
    const availability = accountAvailability(candidate, policy, now);
    reasons[candidate.name] = availability;
    if (availability.kind === "cooling" && (earliest === null || availability.until < earliest.at)) {
      earliest = { name: candidate.name, at: availability.until };
    }
  }
  return { kind: "none", earliestReset: earliest, reasons };
}

/** Builds candidates from the registry, statuses and a login check. Pure. */
export function selectionCandidates(
  registry: Registry,
  statuses: Record<string, AccountStatus>,
  canLogIn: (name: string) => boolean,
): SelectionCandidate[] {
  return registry.accounts.map((account) => ({
    name: account.name,
    isDefault: registry.defaultAccount === account.name,
    status: statuses[account.name] ?? emptyAccountStatus(),
    canLogIn: canLogIn(account.name),
    reservePercent: typeof account.reservePercent === "number" ? account.reservePercent : null,
  }));
}
