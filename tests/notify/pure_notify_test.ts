/** The clock texts of notifications and the normalising of notifications.json, with literal inputs (TZ=UTC). */

import assert from "node:assert/strict";
import { clockText } from "../../src/notify/event_text.ts";
import { parseNotifyLog } from "../../src/notify/notify_log.ts";

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
