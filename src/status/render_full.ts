/**
 * @module
 * `cao status --full`: every field cao knows about every account, labelled, with absolute times (ISO 8601)
 * beside relative ones. Never a token. Pure.
 */

import { renderTable } from "../shared/format.ts";
import { redactSecrets } from "../shared/redact.ts";
import { accountState, STATE_LABELS, usageWindows, type WindowAt } from "./account_state.ts";
import { agoText, cooldownText } from "./cells.ts";
import type { AccountView, StatusSnapshot } from "./collect.ts";
import { PLAIN, type Styles } from "./styles.ts";
import { cooldownFacts, describeCooldown } from "./cooldown_view.ts";
import { historyRows } from "./usage_trend_view.ts";
import { formatRelative } from "../shared/format.ts";

function when(iso: string | null, now: Date): string {
  return iso === null ? "never" : `${iso} (${agoText(iso, now)})`;
}

function windowText(window: WindowAt | null, now: Date): string {
  if (window === null) return "no data";
  const length = window.windowMinutes === null ? "" : `, ${window.windowMinutes}-minute window`;
  const reset = window.resetsAt === null
    ? ", reset time unknown"
    : `, ${window.stale ? "reset" : "resets"} ${window.resetsAt.toISOString()} (${
      formatRelative(window.resetsAt, now)
    })`;
  return `${window.usedPercent}% used${length}${reset}${window.stale ? " — stale, no newer data" : ""}`;
}

function accountRows(view: AccountView, now: Date): string[][] {
  const { login, status } = view;
  const state = accountState(view, now);
  const windows = usageWindows(view, now);
  const expiry = login.accessExpiresAt === null ? null : new Date(login.accessExpiresAt * 1000);
  const token = expiry === null
    ? "expiry unknown"
    : `${expiry < now ? "expired" : "expires"} ${expiry.toISOString()} (${formatRelative(expiry, now)})` +
      (expiry < now && login.hasRefreshToken ? ", renews on next use" : "");
  const stateText = state.kind === "ready"
    ? "ready"
    : state.kind === "cooling"
    ? `cooling down until ${state.until.toISOString()} (${cooldownText(status, now)})`
    : `${STATE_LABELS[state.kind]}: ${state.reason}`;
  return [
    ["state", stateText],
    ["position", `${view.position}${view.isDefault ? " (default)" : ""}`],
    ["gateway", view.inUseByGateway ? "in use by the gateway" : "not in use by the gateway"],
    ["login", `${login.state}${login.problem ? ` (${login.problem})` : ""}`],
    ["email", login.email ?? "unknown"],
    ["plan", login.plan ?? "unknown"],
    ["account id", login.accountId ?? "unknown"],
    ["user id", login.userId ?? "unknown"],
    ["access token", token],
    ["refresh token", login.hasRefreshToken ? "present" : "missing"],
    ["last refresh", when(login.lastRefresh, now)],
    ["needs re-login", status.needsRelogin ? `yes: ${status.needsReloginReason ?? "refresh refused"}` : "no"],
    ["5-hour window", windowText(windows.fiveHour, now)],
    ["weekly window", windowText(windows.weekly, now)],
    ...(view.history ? historyRows(view.history, now) : []),
    [
      "usage seen",
      status.usage ? `${when(status.usage.observedAt, now)} from ${status.usage.source}` : "never",
    ],
    ["cooldown", describeCooldown(cooldownFacts(status, now), now)],
    ["attempts", String(status.attempts)],
    ["successes", String(status.successes)],
    ["failures", `${status.failures} (${status.consecutiveFailures} since the last success)`],
    ["last attempt", when(status.lastAttemptAt, now)],
    ["last success", when(status.lastSuccessAt, now)],
    ["last failure", when(status.lastFailureAt, now)],
    ["last quota hit", when(status.lastQuotaHitAt, now)],
    ["last error", status.lastError === null ? "none" : redactSecrets(status.lastError)],
    ["same login as", view.duplicateOf.length > 0 ? view.duplicateOf.join(", ") : "no other account"],
    ["home", view.home],
  ];
}

/** The full view, one string per line. Pure. */
export function renderFull(snapshot: StatusSnapshot, styles: Styles = PLAIN): string[] {
  const now = snapshot.now;
  const lines = [
    `${styles.bold("cao status")} at ${now.toISOString()}`,
    `cao home        ${snapshot.home}`,
    `default         ${snapshot.defaultAccount ?? "none"}`,
    `gateway         ${
      snapshot.gateway.enabled
        ? `enabled in the Codex config (${snapshot.gateway.url})`
        : "not enabled in the Codex config"
    }${
      snapshot.gateway.accountsInUse.length > 0
        ? `; in use: ${snapshot.gateway.accountsInUse.join(", ")}`
        : ""
    }`,
  ];
  if (snapshot.accounts.length === 0) {
    lines.push("", 'No accounts yet. Add one with "cao add <name>" or import with "cao import codex".');
  }
  for (const view of snapshot.accounts) {
    lines.push("", styles.bold(view.name));
    for (const row of renderTable(null, accountRows(view, now))) lines.push(`  ${row}`);
  }
  return lines;
}
