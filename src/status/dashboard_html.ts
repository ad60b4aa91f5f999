/**
 * @module
 * The dashboard page as HTML: a table of every account (login, default and gateway marks, state, both
 * windows as bars with the time to reset, the command that fixes it), a usage chart per account, and the
 * timeline. Readable without JavaScript (every time is written out, relative to when the page was made);
 * the page's script only counts the `<time data-at>` elements down and swaps `<main>` for each update. No
 * inline style or script (a strict Content-Security-Policy holds), no key or token anywhere. Pure.
 */

import { formatRelative } from "../shared/format.ts";
import type { UsageWindowName } from "../accounts/usage_samples.ts";
import { renderUsageChart } from "./dashboard_chart.ts";
import type { AccountCard, DashboardView, WindowView } from "./dashboard_view.ts";
import { escapeHtml as e } from "./html_escape.ts";

const RANGE_WORDS = { day: "last day", week: "last week" } as const;

/** `<time>` for an epoch time, relative to `now`, that the page's script keeps counting. Pure. */
export function timeElement(at: number, now: number, text?: string): string {
  const iso = new Date(at * 1000).toISOString();
  const shown = text ?? formatRelative(new Date(at * 1000), new Date(now * 1000));
  return `<time data-at="${at}" datetime="${iso}" title="${iso}">${e(shown)}</time>`;
}

/** `ok`, `warn` (70 % or more) or `full` (90 % or more): the colour of a bar. Pure. */
export function levelOf(percent: number): "ok" | "warn" | "full" {
  return percent >= 90 ? "full" : percent >= 70 ? "warn" : "ok";
}

/** A window's bar, an `<svg>` whose `rect.fill` is as wide as the percent used (of 100). Pure. */
export function usageBar(window: WindowView | null): string {
  const width = window === null || window.stale ? 0 : Math.max(0, Math.min(100, window.usedPercent));
  const level = window === null || window.stale ? "none" : levelOf(window.usedPercent);
  return `<svg class="bar level-${level}" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">` +
    `<rect class="track" width="100" height="8" rx="2"/><rect class="fill" width="${
      Math.round(width * 10) / 10
    }" height="8" rx="2"/></svg>`;
}

function windowCell(name: UsageWindowName, window: WindowView | null, now: number): string {
  const label = name === "primary" ? "5-hour window" : "Weekly window";
  const head = `<td class="window" data-label="${label}" data-window="${name}"`;
  if (window === null) {
    return `${head} data-used="">${
      usageBar(null)
    }<span class="pct">–</span> <span class="reset">no reading yet</span></td>`;
  }
  const percent = Math.round(window.usedPercent);
  let reset = "reset time unknown";
  if (window.resetsAt !== null) {
    reset = window.stale
      ? `reset ${timeElement(window.resetsAt, now)}, no newer reading`
      : `resets ${timeElement(window.resetsAt, now)}`;
  }
  return `${head} data-used="${window.usedPercent}"${window.stale ? ' data-stale="true"' : ""}>${
    usageBar(window)
  }<span class="pct">${
    window.stale ? "reset" : `${percent}%`
  }</span> <span class="reset">${reset}</span></td>`;
}

function stateCell(card: AccountCard, now: number): string {
  let detail = "";
  if (card.cooldown) detail = ` <span class="detail">ends ${timeElement(card.cooldown.until, now)}</span>`;
  const reason = card.stateReason ? `<small class="reason">${e(card.stateReason)}</small>` : "";
  const source = card.cooldown?.source
    ? `<small class="reason">set by ${e(card.cooldown.source)}</small>`
    : "";
  return `<td data-label="State"><span class="state">${
    e(card.stateLabel)
  }</span>${detail}${reason}${source}</td>`;
}

function fixCell(card: AccountCard): string {
  if (card.fix === null) return `<td data-label="Fix" class="fix">–</td>`;
  return `<td data-label="Fix" class="fix"><code>${e(card.fix.command)}</code><small>${
    e(card.fix.note)
  }</small></td>`;
}

function accountRow(card: AccountCard, now: number): string {
  const tags = [
    card.isDefault ? `<span class="tag tag-default">default</span>` : "",
    card.inUseByGateway ? `<span class="tag tag-gateway">in use by the gateway</span>` : "",
  ].filter(Boolean).join(" ");
  const login = card.email ?? (card.state === "ready" || card.state === "cooling" ? "logged in" : "–");
  return `<tr class="account state-${card.state}" data-account="${
    e(card.name)
  }" data-state="${card.state}">` +
    `<th scope="row" data-label="Account"><span class="name">${e(card.name)}</span> ${tags}</th>` +
    `<td data-label="Login">${e(login)}${
      card.plan ? ` <span class="plan">${e(card.plan)}</span>` : ""
    }</td>` +
    stateCell(card, now) +
    windowCell("primary", card.windows.primary, now) +
    windowCell("secondary", card.windows.secondary, now) +
    fixCell(card) +
    `</tr>`;
}

function summaryText(view: DashboardView): string {
  const n = view.accounts.length;
  const parts = [
    view.counts.ready ? `${view.counts.ready} ready` : "",
    view.counts.cooling ? `${view.counts.cooling} cooling down` : "",
    view.counts.needLogin ? `${view.counts.needLogin} need a login` : "",
  ].filter(Boolean);
  const accounts = `${n} account${n === 1 ? "" : "s"}${parts.length ? `: ${parts.join(", ")}` : ""}`;
  const gateway = view.gateway.running
    ? `gateway running at ${view.gateway.url}`
    : view.gateway.configured
    ? `Codex is routed to a gateway at ${view.gateway.url}, which is not running`
    : "gateway not running";
  const served = view.servedBy === "gateway" ? "served by the gateway" : 'served by "cao dashboard"';
  return [accounts, gateway, served].join(" · ");
}

function rangeNav(view: DashboardView): string {
  const link = (range: "day" | "week") =>
    `<a href="?range=${range}"${view.range === range ? ' aria-current="page"' : ""}>${
      RANGE_WORDS[range]
    }</a>`;
  return `<nav class="range" aria-label="History shown">${link("day")} ${link("week")}</nav>`;
}

const LEGEND = `<span class="legend" aria-hidden="true"><span class="key key-primary">5-hour</span>` +
  `<span class="key key-secondary">weekly</span><span class="key key-reset">reset</span>` +
  `<span class="key key-limit">limit</span><span class="key key-switch">switch</span></span>`;

function chartCard(card: AccountCard, view: DashboardView): string {
  const chart = renderUsageChart({
    account: card.name,
    from: view.from,
    to: view.to,
    windows: card.history,
    marks: card.marks,
  });
  return `<figure class="chart-card" data-account="${e(card.name)}"><figcaption><span class="name">${
    e(card.name)
  }</span>${LEGEND}</figcaption>${chart}</figure>`;
}

function timeline(view: DashboardView): string {
  if (view.timeline.length === 0) {
    return `<p class="none">No limits or switches in the ${RANGE_WORDS[view.range]}.</p>`;
  }
  const items = view.timeline.map((event) =>
    `<li class="event event-${event.kind}" data-kind="${event.kind}" data-account="${e(event.account)}">${
      timeElement(event.at, view.now)
    } <span>${e(event.text)}</span></li>`
  );
  return `<ol class="events">${items.join("")}</ol>`;
}

/** The live part of the page (what `<main>` holds; sent again on every change). Pure. */
export function renderDashboardMain(view: DashboardView): string {
  const head = `<header class="top"><h1>cao dashboard</h1><p class="summary">${e(summaryText(view))}</p>${
    rangeNav(view)
  }</header>`;
  if (view.accounts.length === 0) {
    return `${head}<p class="none">No accounts yet. Add one with <code>cao add &lt;name&gt;</code> or import ` +
      `with <code>cao import codex</code>.</p>`;
  }
  const table = `<section aria-labelledby="h-accounts"><h2 id="h-accounts">Accounts</h2>` +
    `<table class="accounts"><thead><tr><th scope="col">Account</th><th scope="col">Login</th>` +
    `<th scope="col">State</th><th scope="col">5-hour window</th><th scope="col">Weekly window</th>` +
    `<th scope="col">Fix</th></tr></thead><tbody>${
      view.accounts.map((card) => accountRow(card, view.now)).join("")
    }</tbody></table></section>`;
  const charts = `<section aria-labelledby="h-usage"><h2 id="h-usage">Usage over the ${
    RANGE_WORDS[view.range]
  }</h2><div class="charts">${view.accounts.map((card) => chartCard(card, view)).join("")}</div></section>`;
  const events = `<section aria-labelledby="h-events"><h2 id="h-events">Recent switches and limits</h2>${
    timeline(view)
  }</section>`;
  const updated = `<p class="updated">Updated ${timeElement(view.now, view.now, "just now")}.</p>`;
  return head + table + charts + events + updated;
}

function document(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><meta name="color-scheme" content="light dark">` +
    `<title>${e(title)}</title><link rel="stylesheet" href="app.css"></head><body>${body}</body></html>\n`;
}

/** The whole page. Pure. */
export function renderDashboardPage(view: DashboardView): string {
  const live = `<p id="live" class="live" data-state="static" role="status">This page does not update by ` +
    `itself without JavaScript; reload it for new data.</p>`;
  return document(
    "cao dashboard",
    `<main id="main">${renderDashboardMain(view)}</main>${live}<script src="app.js" defer></script>`,
  );
}

/** The page a browser without a session gets (403). Pure. */
export function renderRefusedPage(reason: "ticket" | "session"): string {
  const why = reason === "ticket"
    ? "This dashboard link was used already or has expired."
    : "This browser has no dashboard session (or it has expired).";
  return document(
    "cao dashboard: no access",
    `<main id="main" class="refused"><h1>cao dashboard</h1><p>${why}</p>` +
      `<p>Run <code>cao dashboard</code> for a new link.</p></main>`,
  );
}
