/**
 * @module
 * `cao status --json`: a stable, documented schema (schemaVersion 1). Every time is given twice, as ISO 8601
 * (`…At`) and as epoch seconds (`…AtEpoch`); unknowns are null, never missing; no token ever. The login
 * fields have the same names and meanings as in `cao list --json`. Adding a field is a minor change; renaming
 * or removing one bumps `schemaVersion`. Pure.
 */

import { redactSecrets } from "../shared/redact.ts";
import { type AccountState, accountState, usageWindows, type WindowAt } from "./account_state.ts";
import type { AccountView, StatusSnapshot } from "./collect.ts";
import { type CooldownClearJson, cooldownFacts } from "./cooldown_view.ts";
import { historyJson, type WindowHistoryJson } from "./usage_trend_view.ts";

/** The schema version of the status JSON. */
export const STATUS_JSON_SCHEMA_VERSION = 1;

/** One usage window. */
export interface WindowJson {
  /** Percent used as last recorded, 0-100. */
  usedPercent: number;
  /** Window length in minutes (300 = 5 hours, 10080 = a week), null when unknown. */
  windowMinutes: number | null;
  /** When it resets. */
  resetsAt: string | null;
  resetsAtEpoch: number | null;
  /** Seconds until the reset (negative once passed), null when unknown. */
  resetsInSeconds: number | null;
  /** True when the reset has passed: `usedPercent` no longer applies. */
  stale: boolean;
}

/** The recorded usage. */
export interface UsageJson {
  /** When it was observed. */
  observedAt: string;
  observedAtEpoch: number;
  /** `rollout` (cao run), `headers` (gateway), `usage-endpoint` (status --refresh), … */
  source: string;
  /** Codex's primary window (normally 5 hours). */
  fiveHour: WindowJson | null;
  /** Codex's secondary window (normally a week). */
  weekly: WindowJson | null;
}

/** One account. */
export interface StatusAccountJson {
  name: string;
  /** 1-based position in the fallback order. */
  position: number;
  default: boolean;
  inUseByGateway: boolean;
  /** `ready`, `cooling`, `needs-relogin`, `not-logged-in`, `unreadable`. */
  state: AccountState["kind"];
  /** Why the state is not `ready` (for cooling: null, see `cooldownUntil`). */
  stateReason: string | null;
  loggedIn: boolean;
  /** `logged-in`, `api-key`, `not-logged-in`, `unreadable` (as in `cao list --json`). */
  loginState: string;
  loginProblem: string | null;
  email: string | null;
  plan: string | null;
  accountId: string | null;
  userId: string | null;
  accessTokenExpiresAt: string | null;
  accessTokenExpiresAtEpoch: number | null;
  /** Whether the access token has expired (it renews on next use when `hasRefreshToken`); null if unknown. */
  accessTokenExpired: boolean | null;
  hasRefreshToken: boolean;
  lastRefresh: string | null;
  lastRefreshEpoch: number | null;
  needsRelogin: boolean;
  needsReloginReason: string | null;
  /** Set while a cooldown is active, whatever the login (an expired one reads null); as `cao cooldown --json`. */
  cooldownUntil: string | null;
  cooldownUntilEpoch: number | null;
  cooldownRemainingSeconds: number | null;
  /** Why the active cooldown was set, null when not cooling or unknown. */
  cooldownReason: string | null;
  /** Which process set it from which answer, null when not cooling or unknown. */
  cooldownSource: string | null;
  /**
   * How the last cooldown ended (`why`: `usage-room`, `by-hand`, `reset-passed`, `answered`), null when none
   * was recorded.
   */
  cooldownCleared: CooldownClearJson | null;
  usage: UsageJson | null;
  /** The recent usage history (samples of the last 6 hours / day, and the pace), null when not read. */
  history: { fiveHour: WindowHistoryJson; weekly: WindowHistoryJson } | null;
  attempts: number;
  successes: number;
  failures: number;
  consecutiveFailures: number;
  lastAttemptAt: string | null;
  lastAttemptAtEpoch: number | null;
  lastSuccessAt: string | null;
  lastSuccessAtEpoch: number | null;
  lastFailureAt: string | null;
  lastFailureAtEpoch: number | null;
  lastQuotaHitAt: string | null;
  lastQuotaHitAtEpoch: number | null;
  /** One line, redacted. */
  lastError: string | null;
  duplicateOf: string[];
  /** The account's CODEX_HOME. */
  home: string;
}

/** The whole document. */
export interface StatusJson {
  schemaVersion: number;
  generatedAt: string;
  generatedAtEpoch: number;
  /** The cao home. */
  home: string;
  defaultAccount: string | null;
  gateway: { enabled: boolean; url: string | null; accountsInUse: string[] };
  accounts: StatusAccountJson[];
}

/** Epoch seconds of an ISO time, or null. Pure. */
export function isoToEpoch(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function windowJson(window: WindowAt | null, now: Date): WindowJson | null {
  if (window === null) return null;
  return {
    usedPercent: window.usedPercent,
    windowMinutes: window.windowMinutes,
    resetsAt: window.resetsAt?.toISOString() ?? null,
    resetsAtEpoch: window.resetsAt ? seconds(window.resetsAt) : null,
    resetsInSeconds: window.resetsAt ? Math.round((window.resetsAt.getTime() - now.getTime()) / 1000) : null,
    stale: window.stale,
  };
}

/** One account as JSON. Pure. */
export function statusAccountJson(view: AccountView, now: Date): StatusAccountJson {
  const { login, status } = view;
  const state = accountState(view, now);
  const windows = usageWindows(view, now);
  const cooldown = cooldownFacts(status, now);
  const stamp = (iso: string | null) => ({ iso, epoch: isoToEpoch(iso) });
  const attempt = stamp(status.lastAttemptAt);
  const success = stamp(status.lastSuccessAt);
  const failure = stamp(status.lastFailureAt);
  const quota = stamp(status.lastQuotaHitAt);
  return {
    name: view.name,
    position: view.position,
    default: view.isDefault,
    inUseByGateway: view.inUseByGateway,
    state: state.kind,
    stateReason: "reason" in state ? state.reason : null,
    loggedIn: login.state === "logged-in",
    loginState: login.state,
    loginProblem: login.problem,
    email: login.email,
    plan: login.plan,
    accountId: login.accountId,
    userId: login.userId,
    accessTokenExpiresAt: login.accessExpiresAt === null
      ? null
      : new Date(login.accessExpiresAt * 1000).toISOString(),
    accessTokenExpiresAtEpoch: login.accessExpiresAt,
    accessTokenExpired: login.accessExpiresAt === null ? null : login.accessExpiresAt * 1000 <= now.getTime(),
    hasRefreshToken: login.hasRefreshToken,
    lastRefresh: login.lastRefresh,
    lastRefreshEpoch: isoToEpoch(login.lastRefresh),
    needsRelogin: status.needsRelogin,
    needsReloginReason: status.needsReloginReason,
    cooldownUntil: cooldown.until,
    cooldownUntilEpoch: cooldown.untilEpoch,
    cooldownRemainingSeconds: cooldown.remainingSeconds,
    cooldownReason: cooldown.reason,
    cooldownSource: cooldown.source,
    cooldownCleared: cooldown.lastCleared,
    usage: status.usage === null ? null : {
      observedAt: status.usage.observedAt,
      observedAtEpoch: isoToEpoch(status.usage.observedAt) ?? 0,
      source: status.usage.source,
      fiveHour: windowJson(windows.fiveHour, now),
      weekly: windowJson(windows.weekly, now),
    },
    history: view.history ? historyJson(view.history, now) : null,
    attempts: status.attempts,
    successes: status.successes,
    failures: status.failures,
    consecutiveFailures: status.consecutiveFailures,
    lastAttemptAt: attempt.iso,
    lastAttemptAtEpoch: attempt.epoch,
    lastSuccessAt: success.iso,
    lastSuccessAtEpoch: success.epoch,
    lastFailureAt: failure.iso,
    lastFailureAtEpoch: failure.epoch,
    lastQuotaHitAt: quota.iso,
    lastQuotaHitAtEpoch: quota.epoch,
    lastError: status.lastError === null ? null : redactSecrets(status.lastError),
    duplicateOf: view.duplicateOf,
    home: view.home,
  };
}

/** The whole `--json` document. Pure. */
export function statusJson(snapshot: StatusSnapshot): StatusJson {
  return {
    schemaVersion: STATUS_JSON_SCHEMA_VERSION,
    generatedAt: snapshot.now.toISOString(),
    generatedAtEpoch: seconds(snapshot.now),
    home: snapshot.home,
    defaultAccount: snapshot.defaultAccount,
    gateway: {
      enabled: snapshot.gateway.enabled,
      url: snapshot.gateway.url,
      accountsInUse: snapshot.gateway.accountsInUse,
    },
    accounts: snapshot.accounts.map((view) => statusAccountJson(view, snapshot.now)),
  };
}
