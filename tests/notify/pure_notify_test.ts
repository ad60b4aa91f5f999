/**
 * The clock texts of notifications, the normalising of notifications.json and the `cao notify status` view,
 * with literal inputs (the test task pins TZ=UTC).
 */

import assert from "node:assert/strict";
import { clockText } from "../../src/notify/event_text.ts";
import { claimInLog, noteDelivery, type NotifyLog, parseNotifyLog } from "../../src/notify/notify_log.ts";
import type { NotifyEvent } from "../../src/notify/notify_event.ts";
import { notifyJson, renderNotifyStatus } from "../../src/notify/notify_view.ts";
import { DEFAULT_NOTIFY_SETTINGS } from "../../src/notify/notify_settings.ts";

const NOW = new Date("2026-11-21T12:00:00.000Z");
const NOW_S = 1795262400;

Deno.test("clockText() is the time today, and the month and day on another day", () => {
  assert.equal(clockText(NOW_S + 2 * 3600 + 37 * 60, NOW), "14:37 (in 2h 37m)");
  assert.equal(clockText(NOW_S - 5 * 60, NOW), "11:55 (5m ago)");
  assert.equal(clockText(NOW_S, NOW), "12:00 (in 0s)");
  // The last minute of the day is still today; the first of the next is not.
  assert.equal(clockText(NOW_S + 12 * 3600 - 60, NOW), "23:59 (in 11h 59m)");
  assert.equal(clockText(NOW_S + 12 * 3600, NOW), "Nov 22 00:00 (in 12h)");
  assert.equal(clockText(NOW_S + 2 * 86400 + 3 * 3600, NOW), "Nov 23 15:00 (in 2d 3h)");
  assert.equal(clockText(NOW_S - 21 * 86400, NOW), "Oct 31 12:00 (21d ago)");
  assert.equal(clockText(NOW_S + 41 * 86400, NOW), "Jan 1 12:00 (in 41d)");
});

Deno.test("parseNotifyLog() keeps the readable entries and channel health, with defaults for the rest", () => {
  const log = parseNotifyLog({
    schemaVersion: 1,
    future: { kept: true },
    sent: [
      {
        key: "moved:a:b",
        cycle: 3,
        level: 1,
        at: "2026-11-21T12:00:00.000Z",
        kind: "moved",
        title: "t",
        body: "b",
        by: "cao run (pid 1)",
        channels: { desktop: "sent" },
      },
      { key: "k", at: "2026-11-21T12:00:00Z", kind: "all-limited" },
      { key: "no-time", kind: "moved" },
      { key: "bad-time", at: "soon", kind: "moved" },
      { key: "bad-kind", at: "2026-11-21T12:00:00Z", kind: "limit" },
      { at: "2026-11-21T12:00:00Z", kind: "moved" },
      null,
      "moved",
    ],
    channels: {
      desktop: { state: "failed", since: "2026-11-21T11:00:00Z", lastError: "no notify-send", failures: 2 },
      webhook: { state: "broken", since: "2026-11-21T11:00:00Z" },
      email: { state: "ok", since: "2026-11-21T11:00:00Z" },
    },
  });
  assert.deepEqual(log, {
    schemaVersion: 1,
    future: { kept: true },
    sent: [
      {
        key: "moved:a:b",
        cycle: 3,
        level: 1,
        at: "2026-11-21T12:00:00.000Z",
        kind: "moved",
        title: "t",
        body: "b",
        by: "cao run (pid 1)",
        channels: { desktop: "sent" },
      },
      {
        key: "k",
        cycle: null,
        level: 0,
        at: "2026-11-21T12:00:00Z",
        kind: "all-limited",
        title: "",
        body: "",
        by: "unknown",
        channels: {},
      },
    ],
    channels: {
      desktop: {
        state: "failed",
        since: "2026-11-21T11:00:00Z",
        lastError: "no notify-send",
        failures: 2,
        lastOkAt: null,
      },
    },
  });
});

Deno.test("parseNotifyLog() of anything that is not an object is an empty log", () => {
  const empty = { schemaVersion: 1, sent: [], channels: {} };
  assert.deepEqual(parseNotifyLog(null), empty);
  assert.deepEqual(parseNotifyLog([]), empty);
  assert.deepEqual(parseNotifyLog("{}"), empty);
  assert.deepEqual(parseNotifyLog({ sent: {}, channels: [] }), empty);
});

const LOG: NotifyLog = {
  schemaVersion: 1,
  sent: [1, 2, 3, 4, 5, 6].map((n) => ({
    key: `k${n}`,
    cycle: null,
    level: 0,
    at: `2026-11-21T11:0${n}:00.000Z`,
    kind: "moved" as const,
    title: `title ${n}`,
    body: "b",
    by: "gateway (pid 7)",
    channels: { desktop: "sent" as const },
  })),
  channels: {
    desktop: {
      state: "ok",
      since: "2026-11-20T12:00:00.000Z",
      lastError: null,
      failures: 0,
      lastOkAt: "2026-11-21T11:06:00.000Z",
    },
    webhook: {
      state: "failed",
      since: "2026-11-21T10:00:00.000Z",
      lastError: "HTTP 500",
      failures: 4,
      lastOkAt: null,
    },
  },
};

Deno.test("renderNotifyStatus() shows the settings, each channel's health and the last five sent, newest first", () => {
  const settings = {
    ...DEFAULT_NOTIFY_SETTINGS,
    webhook: { url: "https://ntfy.sh/my-secret-topic", format: "auto" as const },
    thresholds: { primary: [80, 95], secondary: [] },
    events: { ...DEFAULT_NOTIFY_SETTINGS.events, threshold: false },
  };
  assert.deepEqual(
    renderNotifyStatus({ settings, log: LOG, historyDays: 30, os: "linux", desktopSession: false, now: NOW }),
    [
      "notifications   on",
      "desktop         auto (notify-send, no desktop session found); working (last sent 54m ago)",
      "webhook         https://ntfy.sh/… as ntfy; failing (4 in a row) since 2h ago: HTTP 500",
      "thresholds      5-hour 80%, 95%; weekly off",
      "events          threshold off, moved on, all-limited on, usable-again on, needs-login on",
      "history         kept 30 days",
      "",
      "Last notifications:",
      "  2026-11-21T11:06:00.000Z (54m ago)  title 6  [gateway (pid 7)]",
      "  2026-11-21T11:05:00.000Z (55m ago)  title 5  [gateway (pid 7)]",
      "  2026-11-21T11:04:00.000Z (56m ago)  title 4  [gateway (pid 7)]",
      "  2026-11-21T11:03:00.000Z (57m ago)  title 3  [gateway (pid 7)]",
      "  2026-11-21T11:02:00.000Z (58m ago)  title 2  [gateway (pid 7)]",
    ],
  );
});

Deno.test("renderNotifyStatus() of a fresh setup: off, no webhook, channels not used, nothing sent", () => {
  const lines = renderNotifyStatus({
    settings: { ...DEFAULT_NOTIFY_SETTINGS, enabled: false, desktop: "on" },
    log: { schemaVersion: 1, sent: [], channels: {} },
    historyDays: 7,
    os: "darwin",
    desktopSession: true,
    now: NOW,
  });
  assert.deepEqual(lines.slice(0, 3), [
    "notifications   off (cao notify on)",
    "desktop         on (osascript); not used yet",
    "webhook         none (cao notify set webhook <url>)",
  ]);
  assert.deepEqual(lines.slice(-2), ["", "No notification sent yet."]);
  const off = renderNotifyStatus({
    settings: { ...DEFAULT_NOTIFY_SETTINGS, desktop: "off" },
    log: LOG,
    historyDays: 7,
    os: "windows",
    desktopSession: true,
    now: NOW,
  });
  assert.equal(off[1], "desktop         off");
});

Deno.test("notifyJson() names the webhook by its origin only and lists the last ten sent, newest first", () => {
  const doc = notifyJson({
    settings: {
      ...DEFAULT_NOTIFY_SETTINGS,
      webhook: { url: "https://hooks.slack.com/services/T/B/secret", format: "auto" },
    },
    log: LOG,
    historyDays: 30,
    os: "windows",
    desktopSession: true,
    now: NOW,
  });
  assert.deepEqual(doc.desktop, {
    mode: "auto",
    command: "powershell",
    session: true,
    health: LOG.channels.desktop,
  });
  assert.deepEqual(doc.webhook, {
    url: "https://hooks.slack.com/…",
    format: "auto",
    sentAs: "slack",
    health: LOG.channels.webhook,
  });
  assert.ok(!JSON.stringify(doc).includes("secret"));
  assert.deepEqual(doc.thresholds, { fiveHour: [80, 95], weekly: [80, 95] });
  assert.deepEqual((doc.recent as { title: string }[]).map((e) => e.title), [
    "title 6",
    "title 5",
    "title 4",
    "title 3",
    "title 2",
    "title 1",
  ]);
  assert.deepEqual(
    [doc.schemaVersion, doc.enabled, doc.historyDays],
    [1, true, 30],
  );
  const none = notifyJson({
    settings: DEFAULT_NOTIFY_SETTINGS,
    log: { schemaVersion: 1, sent: [], channels: {} },
    historyDays: 1,
    os: "linux",
    desktopSession: false,
    now: NOW,
  });
  assert.deepEqual([none.webhook, (none.desktop as { health: unknown }).health, none.recent], [
    null,
    null,
    [],
  ]);
});

function emptyLog(): NotifyLog {
  return { schemaVersion: 1, sent: [], channels: {} };
}

const after = (ms: number) => new Date(NOW.getTime() + ms);
const claim = (event: NotifyEvent) => ({ event, message: { title: `t ${event.kind}`, body: "b" } });
const moved = (fromUntil: number | null): NotifyEvent => ({
  kind: "moved",
  from: "a",
  to: "b",
  via: "run",
  fromUntil,
});

Deno.test("claimInLog() claims an event once per cycle and records it as sent by this process", () => {
  const log = emptyLog();
  const first = claimInLog(
    log,
    [claim(moved(NOW_S + 3600)), claim({ kind: "all-limited", account: "b", at: NOW_S + 60 })],
    "cao run (pid 1)",
    NOW,
  );
  assert.deepEqual(first.map((c) => c.entry), [
    {
      key: "moved:a",
      cycle: NOW_S + 3600,
      level: 0,
      at: "2026-11-21T12:00:00.000Z",
      kind: "moved",
      title: "t moved",
      body: "b",
      by: "cao run (pid 1)",
      channels: {},
    },
    {
      key: "all-limited",
      cycle: NOW_S + 60,
      level: 0,
      at: "2026-11-21T12:00:00.000Z",
      kind: "all-limited",
      title: "t all-limited",
      body: "b",
      by: "cao run (pid 1)",
      channels: {},
    },
  ]);
  assert.deepEqual(log.sent, first.map((c) => c.entry));
  // The same limit seen again, or with a reset up to 15 minutes off, is the same cycle.
  assert.deepEqual(claimInLog(log, [claim(moved(NOW_S + 3600))], "gateway (pid 2)", after(60_000)), []);
  assert.deepEqual(claimInLog(log, [claim(moved(NOW_S + 3600 + 900))], "gateway (pid 2)", after(60_000)), []);
  assert.equal(
    claimInLog(log, [claim(moved(NOW_S + 3600 + 901))], "gateway (pid 2)", after(60_000)).length,
    1,
  );
  assert.equal(log.sent.length, 3);
});

Deno.test("claimInLog() repeats an event without a cycle only after its interval, and a higher level at once", () => {
  const log = emptyLog();
  const relogin = claim({ kind: "needs-login", account: "a", reason: "refresh token reused" });
  assert.equal(claimInLog(log, [relogin, relogin], "p", NOW).length, 1, "twice in one call is once");
  assert.equal(claimInLog(log, [relogin], "p", after(24 * 3600_000 - 1)).length, 0);
  assert.equal(claimInLog(log, [relogin], "p", after(24 * 3600_000)).length, 1);
  const threshold = (level: number): NotifyEvent => ({
    kind: "threshold",
    account: "a",
    window: "primary",
    threshold: level,
    usedPercent: level,
    resetsAt: NOW_S + 3600,
  });
  assert.equal(claimInLog(log, [claim(threshold(80))], "p", NOW).length, 1);
  assert.equal(claimInLog(log, [claim(threshold(80))], "p", NOW).length, 0);
  assert.equal(claimInLog(log, [claim(threshold(95))], "p", NOW).length, 1);
  assert.equal(claimInLog(log, [claim(threshold(80))], "p", NOW).length, 0);
});

Deno.test("claimInLog() drops entries older than 30 days and keeps at most 200", () => {
  const log = emptyLog();
  claimInLog(log, [claim(moved(1))], "old", NOW);
  const later = after(30 * 86400_000);
  claimInLog(log, [claim({ kind: "all-limited", account: "b", at: 5 })], "new", later);
  assert.deepEqual(log.sent.map((e) => e.by), ["new"]);
  for (let n = 0; n < 250; n++) {
    claimInLog(
      log,
      [claim({ kind: "usable-again", account: `a${n}`, why: "reset-passed", until: 1 })],
      "p",
      later,
    );
  }
  assert.equal(log.sent.length, 200);
  assert.equal(log.sent[0].key, "usable-again:a50");
  assert.equal(log.sent[199].key, "usable-again:a249");
});

Deno.test("noteDelivery() notes each channel's outcome in the entry and its health across deliveries", () => {
  const log = emptyLog();
  const [{ entry }] = claimInLog(log, [claim(moved(NOW_S))], "p", NOW);
  noteDelivery(log, entry, [
    { channel: "desktop", outcome: "sent" },
    {
      channel: "webhook",
      outcome: "failed",
      error: "HTTP 500\nbody sk-abcdefghijklmnopqrstuvwxyz0123456789",
    },
  ], NOW);
  assert.deepEqual(log.sent[0].channels, { desktop: "sent", webhook: "failed" });
  assert.deepEqual(log.channels.desktop, {
    state: "ok",
    since: "2026-11-21T12:00:00.000Z",
    lastError: null,
    failures: 0,
    lastOkAt: "2026-11-21T12:00:00.000Z",
  });
  assert.deepEqual(log.channels.webhook, {
    state: "failed",
    since: "2026-11-21T12:00:00.000Z",
    lastError: "HTTP 500",
    failures: 1,
    lastOkAt: null,
  });
  // A second failure keeps its start; a test notification (no entry) notes the health only.
  noteDelivery(log, null, [{ channel: "webhook", outcome: "failed", error: "x".repeat(400) }], after(60_000));
  assert.deepEqual(log.channels.webhook, {
    state: "failed",
    since: "2026-11-21T12:00:00.000Z",
    lastError: "x".repeat(300),
    failures: 2,
    lastOkAt: null,
  });
  noteDelivery(log, null, [{ channel: "webhook", outcome: "sent" }], after(120_000));
  assert.deepEqual(log.channels.webhook, {
    state: "ok",
    since: "2026-11-21T12:02:00.000Z",
    lastError: "x".repeat(300),
    failures: 0,
    lastOkAt: "2026-11-21T12:02:00.000Z",
  });
  noteDelivery(log, null, [{ channel: "desktop", outcome: "missing" }], after(180_000));
  assert.deepEqual(log.channels.desktop, {
    state: "missing",
    since: "2026-11-21T12:03:00.000Z",
    lastError: "missing",
    failures: 1,
    lastOkAt: "2026-11-21T12:00:00.000Z",
  });
  assert.deepEqual(log.sent[0].channels, { desktop: "sent", webhook: "failed" }, "the entry is left alone");
});
