/**
 * @module
 * The `cao status` dashboard: per account its login (email, plan), default / gateway marks, the 5-hour and
 * weekly windows as bars with percent used and time to reset, its state (ready, cooling down with time
 * left, needs re-login with the fix), last success and failures. At most {@link DASHBOARD_WIDTH} columns,
 * or the width given when it is narrower; to fit, in this order: the usage bars shrink from 20 to 10 cells,
 * the reset times and then the email and plan of each title line are shortened with "…", and every other
 * line is cut with "…" or wrapped at the width. Colour only through the `Styles` given. Pure: a function of
 * the snapshot (and its `now`).
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
import { agoText, cooldownText, failuresText, healedText, percentText } from "./cells.ts";
import type { AccountView, StatusSnapshot } from "./collect.ts";
import { fitText, PLAIN, type Styles, wrapText } from "./styles.ts";

/** The widest line the dashboard prints (fits an 80-column terminal). */
export const DASHBOARD_WIDTH = 78;

/** The narrowest width the dashboard lays itself out for (below it lines are still cut to the width). */
const MIN_WIDTH = 30;

/** Cells of a usage bar, at most and at least. */
const BAR_CELLS = 20;
const MIN_BAR_CELLS = 10;

/** Room a window line keeps for its reset text before the bar shrinks. */
const RESET_ROOM = 24;

/** What a window line has around its bar and reset text: indent, label, spaces, percent. */
const WINDOW_LINE_FIXED = 16;

/** The dashboard's width and bar length for a terminal `width` columns wide. Pure. */
export function dashboardLayout(width: number = DASHBOARD_WIDTH): { width: number; barCells: number } {
  const w = Math.max(MIN_WIDTH, Math.min(DASHBOARD_WIDTH, Math.floor(width)));
  const barCells = Math.max(MIN_BAR_CELLS, Math.min(BAR_CELLS, w - WINDOW_LINE_FIXED - RESET_ROOM));
  return { width: w, barCells };
}

type Layout = ReturnType<typeof dashboardLayout>;

/** The hint printed when some account has no recorded usage yet. */
export const REFRESH_HINT = 'Usage as seen by cao run and the gateway; "cao status --refresh" asks now.';

function usageColor(percent: number, styles: Styles): (text: string) => string {
  if (percent >= 90) return styles.red;
  if (percent >= 70) return styles.yellow;
  return styles.green;
}

/** `████████░░░░░░░░░░░░` for a percent, coloured by how full it is. Pure. */
export function usageBar(window: WindowAt | null, styles: Styles = PLAIN, cells = BAR_CELLS): string {
  if (window === null || window.stale) return styles.dim("░".repeat(cells));
  const filled = Math.max(0, Math.min(cells, Math.round(window.usedPercent / (100 / cells))));
  return usageColor(window.usedPercent, styles)("█".repeat(filled)) +
    styles.dim("░".repeat(cells - filled));
}

function windowLine(
  label: string,
  window: WindowAt | null,
  now: Date,
  styles: Styles,
  layout: Layout,
): string {
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
  const room = layout.width - WINDOW_LINE_FIXED - layout.barCells;
  return `  ${label.padEnd(5)} ${usageBar(window, styles, layout.barCells)} ${coloured}  ${
    styles.dim(fitText(reset, room))
  }`;
}

function icon(state: AccountState, styles: Styles): string {
  if (state.kind === "ready") return styles.green("●");
  if (state.kind === "cooling") return styles.yellow("◐");
  return styles.red("✗");
}

function stateLines(
  view: AccountView,
  state: AccountState,
  now: Date,
  styles: Styles,
  width: number,
): string[] {
  const room = width - 2;
  if (needsLogin(state)) {
    const reason = "reason" in state ? state.reason : "";
    return [
      `  ${styles.red(fitText(`${STATE_LABELS[state.kind]}: ${reason}`, room))}`,
      `  ${styles.dim("fix:")} ${fitText(`cao add ${view.name}`, room - 5)}`,
    ];
  }
  const parts: string[] = [];
  if (state.kind === "cooling") {
    parts.push(`cooling down, ${cooldownText(view.status, now)}`);
    parts.push(`last quota hit ${agoText(view.status.lastQuotaHitAt, now)}`);
  } else {
    parts.push("ready", `last success ${agoText(view.status.lastSuccessAt, now)}`);
    const healed = healedText(view.status, now);
    if (healed !== null) parts.push(healed);
  }
  parts.push(`failures ${failuresText(view.status)}`);
  if (view.duplicateOf.length > 0) parts.push(`same login as ${view.duplicateOf.join(", ")}`);
  const text = fitText(parts.join(" · "), room);
  const [head, ...rest] = text.split(" · ");
  const colour = state.kind === "cooling" ? styles.yellow : styles.green;
  return [`  ${colour(head)}${rest.length > 0 ? styles.dim(" · " + rest.join(" · ")) : ""}`];
}

function titleLine(view: AccountView, state: AccountState, styles: Styles, width: number): string {
  const tags = [view.isDefault ? "default" : "", view.inUseByGateway ? "in use by gateway" : ""].filter(
    Boolean,
  );
  const tagText = tags.length > 0 ? `  (${tags.join(", ")})` : "";
  const name = fitText(view.name, Math.max(8, Math.min(40, width - 2 - tagText.length)));
  const leftWidth = 2 + [...name].length + tagText.length;
  const who = [view.login.email ?? view.login.accountId ?? "", view.login.plan ?? ""].filter(Boolean).join(
    " · ",
  );
  const room = width - leftWidth - 2;
  // Too little room for a useful part of the email: leave it out (cao status --full has it).
  const right = room >= 8 ? fitText(who, room) : "";
  const gap = " ".repeat(Math.max(1, width - leftWidth - [...right].length));
  return `${icon(state, styles)} ${styles.bold(name)}${
    styles.dim(fitText(tagText, Math.max(0, width - 2 - [...name].length)))
  }${right ? gap + right : ""}`;
}

function summaryLine(snapshot: StatusSnapshot, styles: Styles, width: number): string {
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
  if (width - gateway.length - 2 < 12) return styles.bold(fitText(left, width));
  const fitted = fitText(left, width - gateway.length - 2);
  return `${styles.bold(fitted)}${" ".repeat(width - [...fitted].length - gateway.length)}${
    styles.dim(gateway)
  }`;
}

/** The dashboard, one string per line, at most `width` columns (and never more than 78). Pure. */
export function renderDashboard(
  snapshot: StatusSnapshot,
  styles: Styles = PLAIN,
  width: number = DASHBOARD_WIDTH,
): string[] {
  const now = snapshot.now;
  const layout = dashboardLayout(width);
  const lines = [summaryLine(snapshot, styles, layout.width), styles.dim("─".repeat(layout.width))];
  if (snapshot.accounts.length === 0) {
    lines.push(
      ...wrapText(
        'No accounts yet. Add one with "cao add <name>" or import with "cao import codex".',
        layout.width,
      ),
    );
    return lines;
  }
  for (const view of snapshot.accounts) {
    const state = accountState(view, now);
    const windows = usageWindows(view, now);
    lines.push(titleLine(view, state, styles, layout.width));
    lines.push(windowLine("5h", windows.fiveHour, now, styles, layout));
    lines.push(windowLine("week", windows.weekly, now, styles, layout));
    lines.push(...stateLines(view, state, now, styles, layout.width));
    lines.push("");
  }
  if (snapshot.accounts.some((v) => v.status.usage === null)) {
    lines.push(...wrapText(REFRESH_HINT, layout.width).map((line) => styles.dim(line)));
  } else lines.pop();
  return lines;
}
