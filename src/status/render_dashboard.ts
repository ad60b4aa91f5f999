/**
 * @module
 * The `cao status` dashboard: per account its login (email, plan), default / gateway marks, the 5-hour and
 * weekly windows as bars with percent used and time to reset, its state (ready, cooling down with time
 * left, needs re-login with the fix), last success and failures. At most {@link DASHBOARD_WIDTH} columns;
 * colour only through the `Styles` given. Pure: a function of the snapshot (and its `now`).
 */

import { formatRelative } from "../shared/format.ts";
import {
  type AccountState,
  accountState,
  needsLogin,
  STATE_LABELS,
  usageWindows,
  type WindowAt,
} from "./account_state.ts";
import { agoText, cooldownText, failuresText, percentText } from "./cells.ts";
import type { AccountView, StatusSnapshot } from "./collect.ts";
import { fitText, PLAIN, type Styles } from "./styles.ts";

/** The widest line the dashboard prints (fits an 80-column terminal). */
export const DASHBOARD_WIDTH = 78;

/** Cells of a usage bar. */
const BAR_CELLS = 20;

/** The hint printed when some account has no recorded usage yet. */
export const REFRESH_HINT = 'Usage as seen by cao run and the gateway; "cao status --refresh" asks now.';

function usageColor(percent: number, styles: Styles): (text: string) => string {
  if (percent >= 90) return styles.red;
  if (percent >= 70) return styles.yellow;
  return styles.green;
}

/** `████████░░░░░░░░░░░░` for a percent, coloured by how full it is. Pure. */
export function usageBar(window: WindowAt | null, styles: Styles = PLAIN): string {
  if (window === null || window.stale) return styles.dim("░".repeat(BAR_CELLS));
  const filled = Math.max(0, Math.min(BAR_CELLS, Math.round(window.usedPercent / (100 / BAR_CELLS))));
  return usageColor(window.usedPercent, styles)("█".repeat(filled)) +
    styles.dim("░".repeat(BAR_CELLS - filled));
}

function windowLine(label: string, window: WindowAt | null, now: Date, styles: Styles): string {
  const percent = percentText(window).padStart(5);
  let reset = "no data";
  if (window !== null && window.resetsAt !== null) {
    reset = window.stale
      ? `reset ${formatRelative(window.resetsAt, now)}, no newer data`
      : `resets ${formatRelative(window.resetsAt, now)}`;
  } else if (window !== null) reset = "reset time unknown";
  const coloured = window === null || window.stale
    ? styles.dim(percent)
    : usageColor(window.usedPercent, styles)(percent);
  return `  ${label.padEnd(5)} ${usageBar(window, styles)} ${coloured}  ${styles.dim(reset)}`;
}

function icon(state: AccountState, styles: Styles): string {
  if (state.kind === "ready") return styles.green("●");
  if (state.kind === "cooling") return styles.yellow("◐");
  return styles.red("✗");
}

function stateLines(view: AccountView, state: AccountState, now: Date, styles: Styles): string[] {
  const room = DASHBOARD_WIDTH - 2;
  if (needsLogin(state)) {
    const reason = "reason" in state ? state.reason : "";
    return [
      `  ${styles.red(fitText(`${STATE_LABELS[state.kind]}: ${reason}`, room))}`,
      `  ${styles.dim("fix:")} cao add ${view.name}`,
    ];
  }
  const parts: string[] = [];
  if (state.kind === "cooling") {
    parts.push(`cooling down, ${cooldownText(view.status, now)}`);
    parts.push(`last quota hit ${agoText(view.status.lastQuotaHitAt, now)}`);
  } else {
    parts.push("ready", `last success ${agoText(view.status.lastSuccessAt, now)}`);
  }
  parts.push(`failures ${failuresText(view.status)}`);
  if (view.duplicateOf.length > 0) parts.push(`same login as ${view.duplicateOf.join(", ")}`);
  const text = fitText(parts.join(" · "), room);
  const [head, ...rest] = text.split(" · ");
  const colour = state.kind === "cooling" ? styles.yellow : styles.green;
  return [`  ${colour(head)}${rest.length > 0 ? styles.dim(" · " + rest.join(" · ")) : ""}`];
}

function titleLine(view: AccountView, state: AccountState, styles: Styles): string {
  const tags = [view.isDefault ? "default" : "", view.inUseByGateway ? "in use by gateway" : ""].filter(
    Boolean,
  );
  const tagText = tags.length > 0 ? `  (${tags.join(", ")})` : "";
  const name = fitText(view.name, 40);
  const leftWidth = 2 + [...name].length + tagText.length;
  const who = [view.login.email ?? view.login.accountId ?? "", view.login.plan ?? ""].filter(Boolean).join(
    " · ",
  );
  const right = fitText(who, Math.max(0, DASHBOARD_WIDTH - leftWidth - 2));
  const gap = " ".repeat(Math.max(1, DASHBOARD_WIDTH - leftWidth - [...right].length));
  return `${icon(state, styles)} ${styles.bold(name)}${styles.dim(tagText)}${right ? gap + right : ""}`;
}

function summaryLine(snapshot: StatusSnapshot, styles: Styles): string {
  const kinds = snapshot.accounts.map((view) => accountState(view, snapshot.now).kind);
  const counts = [
    [kinds.filter((k) => k === "ready").length, "ready"],
    [kinds.filter((k) => k === "cooling").length, "cooling"],
    [kinds.filter((k) => k !== "ready" && k !== "cooling").length, "need a login"],
  ].filter(([n]) => n !== 0).map(([n, label]) => `${n} ${label}`);
  const n = snapshot.accounts.length;
  const left = `cao status · ${n} account${n === 1 ? "" : "s"}${
    counts.length > 0 ? `: ${counts.join(", ")}` : ""
  }`;
  const gateway = snapshot.gateway.enabled
    ? `gateway: ${new URL(snapshot.gateway.url!).host}`
    : "gateway: off";
  const fitted = fitText(left, DASHBOARD_WIDTH - gateway.length - 2);
  return `${styles.bold(fitted)}${" ".repeat(DASHBOARD_WIDTH - [...fitted].length - gateway.length)}${
    styles.dim(gateway)
  }`;
}

/** The dashboard, one string per line. Pure. */
export function renderDashboard(snapshot: StatusSnapshot, styles: Styles = PLAIN): string[] {
  const now = snapshot.now;
  const lines = [summaryLine(snapshot, styles), styles.dim("─".repeat(DASHBOARD_WIDTH))];
  if (snapshot.accounts.length === 0) {
    lines.push('No accounts yet. Add one with "cao add <name>" or import with "cao import codex".');
    return lines;
  }
  for (const view of snapshot.accounts) {
    const state = accountState(view, now);
    const windows = usageWindows(view, now);
    lines.push(titleLine(view, state, styles));
    lines.push(windowLine("5h", windows.fiveHour, now, styles));
    lines.push(windowLine("week", windows.weekly, now, styles));
    lines.push(...stateLines(view, state, now, styles));
    lines.push("");
  }
  if (snapshot.accounts.some((v) => v.status.usage === null)) lines.push(styles.dim(REFRESH_HINT));
  else lines.pop();
  return lines;
}
