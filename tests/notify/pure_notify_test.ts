/** The clock texts of notifications with literal inputs (the test task pins TZ=UTC). */

import assert from "node:assert/strict";
import { clockText } from "../../src/notify/event_text.ts";

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
