/**
 * Small pure parts of the status views with literal inputs: the terminal dashboard's usage bar, the level
 * colour of the HTML bar, `<time>` elements, relative and minute times, ISO to epoch seconds, fitting and
 * wrapping plain text, the doctor's verdict and notification findings, cleared cooldowns, HTML escaping,
 * chart levels, history rows and the report's totals.
 */

import assert from "node:assert/strict";
import { usageBar } from "../../src/status/render_dashboard.ts";
import { levelOf, timeElement } from "../../src/status/dashboard_html.ts";
import { agoText, minuteText } from "../../src/status/cells.ts";
import { isoToEpoch } from "../../src/status/status_json.ts";
import { fitText, PLAIN, type Styles, wrapText } from "../../src/status/styles.ts";
import type { WindowAt } from "../../src/status/account_state.ts";
import { verdictText } from "../../src/status/render_doctor.ts";
import { clearedText } from "../../src/status/cooldown_view.ts";
import { escapeHtml } from "../../src/status/html_escape.ts";
import type { Finding } from "../../src/status/doctor_checks.ts";
import { windowLevels } from "../../src/status/dashboard_chart.ts";
import { historyRows } from "../../src/status/usage_trend_view.ts";
import { reportTotals } from "../../src/status/report.ts";
import type { DoctorResult } from "../../src/status/render_doctor.ts";
import { buildStatusSnapshot } from "../../src/status/collect.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";
import type { LoginSummary } from "../../src/codex/auth_file.ts";
import { loginSummary } from "../support/login_summary.ts";
import { notifyFindings } from "../../src/status/notify_checks.ts";
import { DEFAULT_NOTIFY_SETTINGS, type NotifySettings } from "../../src/notify/notify_settings.ts";
import type { NotifyLog } from "../../src/notify/notify_log.ts";

const NOW = new Date("2026-11-21T12:00:00.000Z");
const NOW_S = 1795262400;

function finding(severity: Finding["severity"]): Finding {
  return { check: "x", severity, account: null, message: "m", fix: "f" };
}

/** Styles that name their colour, so the test sees which one a text got. */
const TAGGED: Styles = {
  bold: (t) => `<b>${t}</b>`,
  dim: (t) => `<dim>${t}</dim>`,
  red: (t) => `<red>${t}</red>`,
  green: (t) => `<green>${t}</green>`,
  yellow: (t) => `<yellow>${t}</yellow>`,
  cyan: (t) => `<cyan>${t}</cyan>`,
};

function window(usedPercent: number, stale = false): WindowAt {
  return { usedPercent, windowMinutes: 300, resetsAt: new Date("2026-11-21T14:00:00Z"), stale };
}

Deno.test("usageBar() fills one of 20 cells per 5 %, rounded, and stays within the bar", () => {
  assert.equal(usageBar(window(42.4)), "████████░░░░░░░░░░░░");
  assert.equal(usageBar(window(0)), "░".repeat(20));
  assert.equal(usageBar(window(2.4)), "░".repeat(20));
  assert.equal(usageBar(window(2.5)), "█" + "░".repeat(19));
  assert.equal(usageBar(window(100)), "█".repeat(20));
  assert.equal(usageBar(window(150)), "█".repeat(20));
  assert.equal(usageBar(window(-10)), "░".repeat(20));
  assert.equal(usageBar(window(55), PLAIN, 10), "██████░░░░");
});

Deno.test("usageBar() is an empty dim bar with no reading or a passed reset, and coloured by fullness", () => {
  assert.equal(usageBar(null, TAGGED), `<dim>${"░".repeat(20)}</dim>`);
  assert.equal(usageBar(window(95, true), TAGGED, 10), `<dim>${"░".repeat(10)}</dim>`);
  assert.equal(usageBar(window(69.9), TAGGED, 10), "<green>███████</green><dim>░░░</dim>");
  assert.equal(usageBar(window(70), TAGGED, 10), "<yellow>███████</yellow><dim>░░░</dim>");
  assert.equal(usageBar(window(90), TAGGED, 10), "<red>█████████</red><dim>░</dim>");
  assert.equal(usageBar(window(100), TAGGED, 10), "<red>██████████</red><dim></dim>");
});

Deno.test("levelOf() is ok below 70 %, warn from 70 % and full from 90 %", () => {
  assert.equal(levelOf(0), "ok");
  assert.equal(levelOf(69.99), "ok");
  assert.equal(levelOf(70), "warn");
  assert.equal(levelOf(89.99), "warn");
  assert.equal(levelOf(90), "full");
  assert.equal(levelOf(250), "full");
  assert.equal(levelOf(-5), "ok");
});

Deno.test("timeElement() carries the epoch and ISO time, and shows the escaped relative or given text", () => {
  assert.equal(
    timeElement(NOW_S + 90, NOW_S),
    '<time data-at="1795262490" datetime="2026-11-21T12:01:30.000Z" title="2026-11-21T12:01:30.000Z">' +
      "in 1m 30s</time>",
  );
  assert.equal(
    timeElement(NOW_S - 3600, NOW_S),
    '<time data-at="1795258800" datetime="2026-11-21T11:00:00.000Z" title="2026-11-21T11:00:00.000Z">' +
      "1h ago</time>",
  );
  assert.equal(
    timeElement(0, NOW_S, '<b>"x" & y</b>'),
    '<time data-at="0" datetime="1970-01-01T00:00:00.000Z" title="1970-01-01T00:00:00.000Z">' +
      "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;</time>",
  );
});

Deno.test("agoText() is a relative time, or never for none or a time that cannot be read", () => {
  assert.equal(agoText("2026-11-21T11:55:00.000Z", NOW), "5m ago");
  assert.equal(agoText("2026-11-21T14:00:00Z", NOW), "in 2h");
  assert.equal(agoText("2026-11-21T12:00:00.000Z", NOW), "in 0s");
  assert.equal(agoText(null, NOW), "never");
  assert.equal(agoText("", NOW), "never");
  assert.equal(agoText("yesterday", NOW), "never");
});

Deno.test("minuteText() is the UTC time cut to the minute, or - for none", () => {
  assert.equal(minuteText(new Date("2026-11-21T14:10:59.999Z")), "2026-11-21T14:10Z");
  assert.equal(minuteText(new Date("2026-01-02T03:04:00.000Z")), "2026-01-02T03:04Z");
  assert.equal(minuteText(null), "-");
});

Deno.test("isoToEpoch() is whole epoch seconds, rounded down, or null", () => {
  assert.equal(isoToEpoch("2026-11-21T12:00:00.000Z"), NOW_S);
  assert.equal(isoToEpoch("2026-11-21T12:00:00.999Z"), NOW_S);
  assert.equal(isoToEpoch("2026-11-21T13:00:00+01:00"), NOW_S);
  assert.equal(isoToEpoch("1970-01-01T00:00:00.000Z"), 0);
  assert.equal(isoToEpoch("1969-12-31T23:59:59.500Z"), -1);
  assert.equal(isoToEpoch(null), null);
  assert.equal(isoToEpoch(""), null);
  assert.equal(isoToEpoch("not a time"), null);
});

Deno.test("fitText() cuts to the width with an ellipsis, counting characters, not UTF-16 units", () => {
  assert.equal(fitText("abcdef", 6), "abcdef");
  assert.equal(fitText("abcdef", 5), "abcd…");
  assert.equal(fitText("abcdef", 2), "a…");
  assert.equal(fitText("abcdef", 1), "a");
  assert.equal(fitText("abcdef", 0), "");
  assert.equal(fitText("", 3), "");
  assert.equal(fitText("😀😀😀", 3), "😀😀😀");
  assert.equal(fitText("😀😀😀", 2), "😀…");
});

Deno.test("wrapText() breaks at spaces within the width, cutting a word that is longer", () => {
  assert.deepEqual(wrapText("the quick brown fox", 10), ["the quick", "brown fox"]);
  assert.deepEqual(wrapText("the quick brown fox", 9), ["the quick", "brown fox"]);
  assert.deepEqual(wrapText("the quick brown fox", 8), ["the", "quick", "brown", "fox"]);
  assert.deepEqual(wrapText("a verylongword b", 6), ["a", "veryl…", "b"]);
  assert.deepEqual(wrapText("short", 80), ["short"]);
  assert.deepEqual(wrapText("", 10), []);
});

Deno.test("verdictText() counts errors and warnings, ignores infos, and is healthy without either", () => {
  assert.equal(verdictText([]), "healthy");
  assert.equal(verdictText([finding("info"), finding("info")]), "healthy");
  assert.equal(verdictText([finding("error")]), "1 error");
  assert.equal(verdictText([finding("warning"), finding("warning")]), "2 warnings");
  assert.equal(
    verdictText([finding("warning"), finding("error"), finding("info"), finding("error")]),
    "2 errors, 1 warning",
  );
});

Deno.test("clearedText() says when, by whom and why a cooldown ended", () => {
  const cleared = (why: "usage-room" | "by-hand" | "reset-passed" | "answered") => ({
    at: "2026-11-21T11:50:00.000Z",
    why,
    by: "gateway (pid 4242)",
    until: "2026-11-21T13:00:00.000Z",
  });
  assert.equal(
    clearedText(cleared("usage-room"), NOW),
    "cleared 2026-11-21T11:50:00.000Z (10m ago) by gateway (pid 4242): the usage endpoint showed room again",
  );
  assert.equal(
    clearedText({ ...cleared("by-hand"), by: "cao cooldown clear" }, NOW),
    "cleared 2026-11-21T11:50:00.000Z (10m ago) by cao cooldown clear: cleared by hand",
  );
  assert.match(clearedText(cleared("reset-passed"), NOW), /: its reset passed$/);
  assert.match(clearedText(cleared("answered"), NOW), /: it answered again after its reset passed$/);
});

Deno.test("escapeHtml() escapes the five characters markup cares about, and only those", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&amp;</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
  );
  assert.equal(escapeHtml("plain text, é ✓ /\\ `"), "plain text, é ✓ /\\ `");
  assert.equal(escapeHtml(""), "");
});

Deno.test("windowLevels() is 240 steps: null before the first reading, the last reading, 0 after its reset", () => {
  const sample = (at: number, usedPercent: number, resetsAt: number | null) => ({
    at,
    usedPercent,
    windowMinutes: 300,
    resetsAt,
    source: "headers",
  });
  const levels = windowLevels([sample(15, 10, null), sample(1000, 50, 2000)], { from: 0, to: 2400 });
  assert.deepEqual(levels, [
    null,
    ...Array(98).fill(10),
    ...Array(100).fill(50),
    ...Array(41).fill(0),
  ]);
  assert.deepEqual(windowLevels([], { from: 0, to: 2400 }), Array(240).fill(null));
});

Deno.test("historyRows() has a trend and a pace row per window, and says when there are no readings", () => {
  assert.deepEqual(historyRows({ primary: [], secondary: [] }, NOW), [
    ["5-hour trend", "no readings in the last hours"],
    ["5-hour pace", "unknown (too few recent readings)"],
    ["weekly trend", "no readings in the last hours"],
    ["weekly pace", "unknown (too few recent readings)"],
  ]);
  const rows = historyRows({
    primary: [{
      at: NOW_S - 600,
      usedPercent: 30,
      windowMinutes: 300,
      resetsAt: NOW_S + 3600,
      source: "headers",
    }],
    secondary: [],
  }, NOW);
  assert.equal(rows[0][0], "5-hour trend");
  // 24 steps of 15 minutes: only the last one ends after the reading 10 minutes ago.
  assert.equal(rows[0][1], `${"·".repeat(23)}▃  30% → 30% over 6h`);
});

Deno.test("reportTotals() counts accounts by state, failures in a row, and the doctor's errors and warnings", () => {
  const login = (state: LoginSummary["state"]) => loginSummary({ state });
  const names: [string, LoginSummary["state"]][] = [
    ["ready", "logged-in"],
    ["cooling", "logged-in"],
    ["passed", "logged-in"],
    ["relogin", "logged-in"],
    ["none", "not-logged-in"],
    ["broken", "unreadable"],
  ];
  const snapshot = buildStatusSnapshot({
    now: NOW,
    home: "/h",
    summaries: names.map(([name, state], i) => ({
      name,
      isDefault: i === 0,
      position: i + 1,
      login: login(state),
      duplicateOf: [],
    })),
    statuses: {
      ready: { ...emptyAccountStatus(), consecutiveFailures: 2 },
      cooling: { ...emptyAccountStatus(), cooldownUntil: "2026-11-21T13:00:00.000Z", consecutiveFailures: 1 },
      passed: { ...emptyAccountStatus(), cooldownUntil: "2026-11-21T11:00:00.000Z" },
      relogin: { ...emptyAccountStatus(), needsRelogin: true },
    },
    accountHome: (name) => `/h/${name}`,
  });
  const doctor = {
    findings: [finding("error"), finding("warning"), finding("warning"), finding("info")],
  } as DoctorResult;
  assert.deepEqual(reportTotals(snapshot, doctor), {
    accounts: 6,
    ready: 2,
    cooling: 1,
    needsLogin: 3,
    failuresInARow: 3,
    errors: 1,
    warnings: 2,
  });
});

Deno.test("notifyFindings() warns once per set-up channel that is missing or failing, with its fix", () => {
  const failing = {
    state: "failed" as const,
    since: "2026-11-21T11:00:00.000Z",
    lastError: "exit 1",
    failures: 3,
    lastOkAt: null,
  };
  const missing = { ...failing, state: "missing" as const, lastError: null, failures: 1 };
  const log = (channels: NotifyLog["channels"]): NotifyLog => ({ schemaVersion: 1, sent: [], channels });
  const settings = (fields: Partial<NotifySettings>): NotifySettings => ({
    ...DEFAULT_NOTIFY_SETTINGS,
    ...fields,
  });
  const webhook = { url: "https://hooks.example.com/secret/path?token=x", format: "json" as const };
  assert.deepEqual(
    notifyFindings(
      { settings: settings({ webhook }), log: log({ desktop: failing, webhook: failing }) },
      NOW,
    ),
    [
      {
        check: "notify-desktop",
        severity: "warning",
        account: null,
        message: "desktop notifications fail (exit 1; 3 in a row, since 1h ago)",
        fix: 'check it with "cao notify test", or "cao notify set desktop off"',
      },
      {
        check: "notify-webhook",
        severity: "warning",
        account: null,
        message: "the webhook https://hooks.example.com/… fails (exit 1; 3 in a row, since 1h ago)",
        fix: 'check it with "cao notify test", or "cao notify set webhook off"',
      },
    ],
  );
  // A missing notifier matters only when desktop notifications were asked for ("on", not "auto").
  assert.deepEqual(
    notifyFindings({ settings: settings({ desktop: "auto" }), log: log({ desktop: missing }) }, NOW),
    [],
  );
  assert.deepEqual(
    notifyFindings({ settings: settings({ desktop: "on" }), log: log({ desktop: missing }) }, NOW).map((
      f,
    ) => [f.message, f.fix]),
    [[
      "desktop notifications have no notifier (unknown; 1 in a row, since 1h ago)",
      'install one (Linux: notify-send, from libnotify) or "cao notify set desktop off"',
    ]],
  );
  // Nothing for a channel turned off, one that works, notifications off, or no facts.
  assert.deepEqual(
    notifyFindings({
      settings: settings({ desktop: "off" }),
      log: log({ desktop: failing, webhook: failing }),
    }, NOW),
    [],
  );
  assert.deepEqual(
    notifyFindings(
      { settings: settings({ webhook }), log: log({ desktop: { ...failing, state: "ok" } }) },
      NOW,
    ),
    [],
  );
  assert.deepEqual(
    notifyFindings({
      settings: settings({ enabled: false, webhook }),
      log: log({ desktop: failing, webhook: failing }),
    }, NOW),
    [],
  );
  assert.deepEqual(notifyFindings(undefined, NOW), []);
});
