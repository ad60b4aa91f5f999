/**
 * The clock texts of notifications, the normalising of notifications.json and the `cao notify status` view,
 * with literal inputs (the test task pins TZ=UTC).
 */

import assert from "node:assert/strict";
import { clockText } from "../../src/notify/event_text.ts";
import { type NotifyLog, parseNotifyLog } from "../../src/notify/notify_log.ts";
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
