/**
 * The dashboard's pure parts with literal inputs: the view (states, windows, fixes), the SVG chart (one series
 * per window, resets and switches marked), the HTML (bars as wide as the percent, escaping, no tokens), and
 * the timeline (limits, recorded and inferred switches, cleared cooldowns).
 */

import assert from "node:assert/strict";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";
import type { UsageHistory, UsageSample } from "../../src/accounts/usage_samples.ts";
import type { LoginSummary } from "../../src/codex/auth_file.ts";
import { buildStatusSnapshot } from "../../src/status/collect.ts";
import { renderUsageChart, stepPath } from "../../src/status/dashboard_chart.ts";
import { renderDashboardMain, renderDashboardPage, usageBar } from "../../src/status/dashboard_html.ts";
import { buildTimeline, chartMarks, resetsOf } from "../../src/status/dashboard_timeline.ts";
import { type DashboardFacts, dashboardJson, dashboardView } from "../../src/status/dashboard_view.ts";
import { at, iso, NOW } from "./status_fixture.ts";

function login(email: string | null, state: LoginSummary["state"] = "logged-in"): LoginSummary {
  return {
    state,
    problem: state === "logged-in" ? null : "no auth.json",
    email,
    plan: email ? "plus" : null,
    accountId: email ? `acct_${email}` : null,
    userId: null,
    accessExpiresAt: null,
    hasRefreshToken: state === "logged-in",
    lastRefresh: null,
  };
}

function sample(
  offset: number,
  usedPercent: number,
  resetsIn: number | null,
  source = "headers",
): UsageSample {
  return {
    at: at(offset),
    usedPercent,
    windowMinutes: 300,
    resetsAt: resetsIn === null ? null : at(resetsIn),
    source,
  };
}

const HISTORY: UsageHistory = {
  schemaVersion: 1,
  retentionDays: 30,
  accounts: {
    work: {
      // One cycle that filled up (resetting 2 h ago), then a new one.
      primary: [
        sample(-7 * 3600, 20, -2 * 3600),
        sample(-4 * 3600, 100, -2 * 3600),
        sample(-3600, 30, 4 * 3600),
      ],
      secondary: [sample(-7 * 3600, 50, 3 * 86400), sample(-3600, 64, 3 * 86400)],
    },
    spare: {
      primary: [sample(-4 * 3600 + 300, 5, 3600)],
      secondary: [sample(-4 * 3600 + 300, 10, 5 * 86400)],
    },
  },
};

function facts(): DashboardFacts {
  const snapshot = buildStatusSnapshot({
    now: NOW,
    home: "/home/me/.codex-account-orchestrator",
    summaries: [
      { name: "work", isDefault: true, position: 1, login: login("alice@example.com"), duplicateOf: [] },
      { name: "spare", isDefault: false, position: 2, login: login("bob@example.com"), duplicateOf: [] },
      { name: "old<x>", isDefault: false, position: 3, login: login(null, "not-logged-in"), duplicateOf: [] },
    ],
    statuses: {
      work: {
        ...emptyAccountStatus(),
        lastQuotaHitAt: iso(-4 * 3600),
        cooldownUntil: iso(3600),
        cooldownReason: "usage limit (usage_limit_reached)",
        cooldownSource: "gateway (pid 7)",
        usage: {
          primary: { usedPercent: 100, windowMinutes: 300, resetsAt: at(3600) },
          secondary: { usedPercent: 64, windowMinutes: 10080, resetsAt: at(3 * 86400) },
          observedAt: iso(-60),
          source: "headers",
        },
      },
      spare: {
        ...emptyAccountStatus(),
        usage: {
          primary: { usedPercent: 42.4, windowMinutes: 300, resetsAt: at(2 * 3600) },
          secondary: { usedPercent: 18, windowMinutes: 10080, resetsAt: at(5 * 86400) },
          observedAt: iso(-60),
          source: "headers",
        },
      },
    },
    gateway: { enabled: true, url: "http://127.0.0.1:4319", accountsInUse: ["spare"] },
    accountHome: (name) => `/home/me/.codex-account-orchestrator/${name}`,
  });
  return {
    snapshot,
    history: HISTORY,
    moves: [],
    gatewayRunning: { url: "http://127.0.0.1:4319", pid: 7 },
    servedBy: "gateway",
  };
}

Deno.test("dashboardView() gives every account its state, windows and the command that fixes it", () => {
  const view = dashboardView(facts(), "day");
  assert.deepEqual(view.counts, { ready: 1, cooling: 1, needLogin: 1 });
  const [work, spare, old] = view.accounts;
  assert.equal(work.state, "cooling");
  assert.deepEqual(work.cooldown, {
    until: at(3600),
    reason: "usage limit (usage_limit_reached)",
    source: "gateway (pid 7)",
  });
  assert.deepEqual(work.fix?.command, "cao cooldown clear work");
  assert.equal(work.windows.primary?.usedPercent, 100);
  assert.equal(spare.state, "ready");
  assert.equal(spare.inUseByGateway, true);
  assert.equal(spare.fix, null);
  assert.equal(old.state, "not-logged-in");
  assert.equal(old.fix?.command, "cao add old<x>");
  assert.equal(old.windows.primary, null);
  assert.equal(view.from, at(-86400));
  assert.equal(dashboardView(facts(), "week").from, at(-7 * 86400));
  const json = dashboardJson(view);
  assert.equal(json.schemaVersion, 1);
  const first = (json.accounts as Record<string, unknown>[])[0];
  assert.equal((first.fiveHour as { usedPercent: number }).usedPercent, 100);
  assert.equal("history" in first, false, "no chart readings in the JSON state");
});

Deno.test("renderUsageChart() draws one series per window, with resets, limits and switches marked", () => {
  const history = HISTORY.accounts.work;
  const timeline = buildTimeline({
    statuses: [{ name: "work", status: { ...emptyAccountStatus(), lastQuotaHitAt: iso(-4 * 3600) } }],
    history: HISTORY,
    moves: [],
    from: at(-86400),
    to: at(0),
  });
  const marks = chartMarks("work", HISTORY, timeline, { from: at(-86400), to: at(0) });
  assert.deepEqual(marks.map((m) => m.kind), ["limit", "switch", "reset"]);
  const svg = renderUsageChart({ account: "work", from: at(-86400), to: at(0), windows: history, marks });
  assert.equal(svg.match(/<path class="series /g)?.length, 2);
  assert.match(svg, /data-window="primary"/);
  assert.match(svg, /data-window="secondary"/);
  assert.equal(svg.match(/class="mark mark-reset"/g)?.length, 1);
  assert.match(svg, /class="mark mark-switch"[^>]*><title>switched from work to spare/);
  assert.doesNotMatch(svg, /style=/, "no inline style: the CSP forbids it");
  const empty = renderUsageChart({
    account: "x",
    from: at(-86400),
    to: at(0),
    windows: { primary: [], secondary: [] },
    marks: [],
  });
  assert.equal(empty.includes("<path"), false);
  assert.match(empty, /no usage recorded in this range/);
});

Deno.test("stepPath() holds each level to the end of its step and breaks where nothing was read yet", () => {
  assert.equal(stepPath([null, 0, 100, null, 50]), "M161.6 156H279.2V8H396.8M514.4 82H632");
  assert.equal(stepPath([null, null]), "");
});

Deno.test("resetsOf() finds the resets that passed between readings, once per cycle", () => {
  const samples = [
    sample(-7 * 3600, 20, -2 * 3600),
    sample(-4 * 3600, 100, -2 * 3600 + 30),
    sample(-3600, 30, 4 * 3600),
  ];
  assert.deepEqual(resetsOf(samples, at(-86400), at(0)), [at(-2 * 3600 + 30)]);
  assert.deepEqual(
    resetsOf([sample(-600, 50, -60)], at(-86400), at(0)),
    [at(-60)],
    "the last reading's reset passed",
  );
  assert.deepEqual(resetsOf([sample(-600, 50, 3600)], at(-86400), at(0)), [], "not yet");
});

Deno.test("buildTimeline() lists limits, recorded and inferred switches and cleared cooldowns, newest first", () => {
  const timeline = buildTimeline({
    statuses: [
      {
        name: "work",
        status: {
          ...emptyAccountStatus(),
          lastQuotaHitAt: iso(-4 * 3600 + 60),
          cooldownReason: "usage limit",
        },
      },
      {
        name: "spare",
        status: {
          ...emptyAccountStatus(),
          cooldownCleared: { at: iso(-600), why: "by-hand", by: "cao cooldown clear", until: iso(3000) },
        },
      },
    ],
    history: HISTORY,
    moves: [{ at: at(-120), from: "spare", to: "work", via: "run" }],
    from: at(-86400),
    to: at(0),
  });
  assert.deepEqual(timeline.map((e) => [e.kind, e.at - at(0), e.text]), [
    ["switch", -120, "switched from spare to work (cao run)"],
    ["cleared", -600, "spare is usable again: cleared by hand"],
    ["switch", -4 * 3600 + 300, "switched from work to spare (as the usage readings show)"],
    ["limit", -4 * 3600 + 60, "work hit its usage limit (usage limit)"],
  ], "the history's 100 % reading one minute before the recorded limit is the same limit");
  const outside = buildTimeline({
    statuses: [{ name: "work", status: { ...emptyAccountStatus(), lastQuotaHitAt: iso(-2 * 86400) } }],
    history: { schemaVersion: 1, retentionDays: 30, accounts: {} },
    moves: [],
    from: at(-86400),
    to: at(0),
  });
  assert.deepEqual(outside, [], "only what happened in the range");
});

Deno.test("usageBar() is as wide as the percent used; a stale or missing window is empty", () => {
  assert.match(
    usageBar({ usedPercent: 42.4, windowMinutes: 300, resetsAt: at(60), stale: false }),
    /class="bar level-ok".*<rect class="fill" width="42.4"/,
  );
  assert.match(
    usageBar({ usedPercent: 75, windowMinutes: 300, resetsAt: at(60), stale: false }),
    /level-warn/,
  );
  assert.match(
    usageBar({ usedPercent: 100, windowMinutes: 300, resetsAt: at(60), stale: false }),
    /level-full.*width="100"/,
  );
  assert.match(
    usageBar({ usedPercent: 100, windowMinutes: 300, resetsAt: at(-60), stale: true }),
    /level-none.*class="fill" width="0"/,
  );
  assert.match(usageBar(null), /level-none/);
});

Deno.test("renderDashboardMain() shows every account with its marks, windows and fix, escaped, without tokens", () => {
  const html = renderDashboardMain(dashboardView(facts(), "day"));
  assert.match(html, /<tr class="account state-cooling" data-account="work" data-state="cooling">/);
  assert.match(html, /<span class="tag tag-default">default<\/span>/);
  assert.match(html, /data-account="spare".*<span class="tag tag-gateway">in use by the gateway<\/span>/);
  assert.match(html, /data-window="primary" data-used="42.4">.*width="42.4"/);
  assert.match(html, /<code>cao cooldown clear work<\/code>/);
  assert.match(html, /<code>cao add old&lt;x&gt;<\/code>/);
  assert.equal(html.includes("old<x>"), false, "names are escaped");
  assert.match(html, /ends <time data-at="\d+" datetime="2026-11-21T13:00:00.000Z"[^>]*>in 1h<\/time>/);
  assert.match(
    html,
    /3 accounts: 1 ready, 1 cooling down, 1 need a login · gateway running at http:\/\/127\.0\.0\.1:4319/,
  );
  assert.equal(html.match(/<svg class="chart"/g)?.length, 3);
  assert.doesNotMatch(html, /acct_|rt_|eyJ|sk-/, "no account ids, tokens or keys");
  const page = renderDashboardPage(dashboardView(facts(), "week"));
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /<a href="\?range=week" aria-current="page">last week<\/a>/);
  assert.match(page, /<script src="app.js" defer><\/script>/);
  assert.doesNotMatch(page, /<script>|style=|https?:\/\/(?!127\.0\.0\.1)/, "nothing inline, nothing remote");
});
