/**
 * @module
 * What an account's facts mean at a given `now`: one state (ready, cooling, needs re-login, not logged in,
 * unreadable login) and its usage windows as of `now` (a window whose reset has passed is stale). Shared
 * by every view, the JSON schema, the doctor and the report, so that they never disagree. Pure.
 */

import type { UsageWindow } from "../accounts/status_store.ts";
import { activeCooldown } from "../accounts/status_events.ts";
import type { AccountView } from "./collect.ts";

/** The state of an account at `now`, most serious first. */
export type AccountState =
  | { kind: "unreadable"; reason: string }
  | { kind: "not-logged-in"; reason: string }
  | { kind: "needs-relogin"; reason: string }
  | { kind: "cooling"; until: Date }
  | { kind: "ready" };

/** The problem text of a login whose tokens lack a refresh token (see `codexAuthProblem`). */
const NO_REFRESH_TOKEN = "tokens.refresh_token is missing";

/** Derives the state of one account. Pure. */
export function accountState(view: AccountView, now: Date): AccountState {
  const login = view.login;
  if (login.state === "unreadable") {
    return { kind: "unreadable", reason: login.problem ?? "auth.json is unreadable" };
  }
  if (login.state !== "logged-in") {
    if (login.problem === NO_REFRESH_TOKEN) {
      return { kind: "needs-relogin", reason: "auth.json holds no refresh token" };
    }
    return { kind: "not-logged-in", reason: login.problem ?? "not logged in" };
  }
  if (view.status.needsRelogin) {
    return { kind: "needs-relogin", reason: view.status.needsReloginReason ?? "a token refresh was refused" };
  }
  const until = activeCooldown(view.status, now);
  if (until !== null) return { kind: "cooling", until };
  return { kind: "ready" };
}

/** Whether the state means the login must be redone (`cao add <name>`). Pure. */
export function needsLogin(state: AccountState): boolean {
  return state.kind === "unreadable" || state.kind === "not-logged-in" || state.kind === "needs-relogin";
}

/** One usage window as of `now`. */
export interface WindowAt {
  /** Percent used as last recorded. */
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: Date | null;
  /** True when the reset time has passed: the recorded percent no longer applies. */
  stale: boolean;
}

/** A recorded window seen at `now`, or null when none was recorded. Pure. */
export function windowAt(window: UsageWindow | null | undefined, now: Date): WindowAt | null {
  if (!window) return null;
  const resetsAt = window.resetsAt === null ? null : new Date(window.resetsAt * 1000);
  return {
    usedPercent: window.usedPercent,
    windowMinutes: window.windowMinutes,
    resetsAt,
    stale: resetsAt !== null && resetsAt.getTime() <= now.getTime(),
  };
}

/** The 5-hour (Codex "primary") and weekly ("secondary") windows of an account at `now`. Pure. */
export function usageWindows(
  view: AccountView,
  now: Date,
): { fiveHour: WindowAt | null; weekly: WindowAt | null } {
  return {
    fiveHour: windowAt(view.status.usage?.primary, now),
    weekly: windowAt(view.status.usage?.secondary, now),
  };
}

/** One-word labels of the states, as every view prints them. */
export const STATE_LABELS: Record<AccountState["kind"], string> = {
  "ready": "ready",
  "cooling": "cooling down",
  "needs-relogin": "needs re-login",
  "not-logged-in": "not logged in",
  "unreadable": "login unreadable",
};
