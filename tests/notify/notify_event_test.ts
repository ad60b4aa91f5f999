import assert from "node:assert/strict";
import {
  eventIdentity,
  isNewEvent,
  type NotifyEvent,
  thresholdEvents,
} from "../../src/notify/notify_event.ts";
import { describeEvent } from "../../src/notify/event_text.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
const S = NOW.getTime() / 1000;

function usage(primary: number, secondary: number | null, reset = S + 3600) {
  return {
    primary: { usedPercent: primary, windowMinutes: 300, resetsAt: reset },
    secondary: secondary === null
      ? null
      : { usedPercent: secondary, windowMinutes: 10080, resetsAt: S + 86400 },
    observedAt: NOW.toISOString(),
    source: "headers",
  };
}

const T = { primary: [80, 95], secondary: [80, 95] };

Deno.test("thresholdEvents() gives the highest threshold crossed per window", () => {
  assert.deepEqual(thresholdEvents("a", usage(50, 10), T, S), []);
  const events = thresholdEvents("a", usage(97, 81), T, S);
  assert.deepEqual(events.map((e) => e.kind === "threshold" && [e.window, e.threshold]), [
    ["primary", 95],
    ["secondary", 80],
  ]);
  assert.deepEqual(thresholdEvents("a", usage(99, null, S - 1), T, S), [], "a window that has reset");
  assert.deepEqual(
    thresholdEvents("a", usage(100, null), T, S),
    [],
    "a limit is told as moved or all-limited",
  );
  assert.deepEqual(thresholdEvents("a", usage(99, null), { primary: [], secondary: [] }, S), []);
});

Deno.test("isNewEvent(): a threshold is new once per level and window cycle", () => {
  const at = (threshold: number, resetsAt = S + 3600): NotifyEvent => ({
    kind: "threshold",
    account: "a",
    window: "primary",
    threshold,
    usedPercent: threshold,
    resetsAt,
  });
  const mark = (e: NotifyEvent) => {
    const id = eventIdentity(e);
    return { cycle: id.cycle, level: id.level, atMs: NOW.getTime() };
  };
  const ms = NOW.getTime();
  assert.equal(isNewEvent(eventIdentity(at(80)), undefined, ms), true);
  assert.equal(isNewEvent(eventIdentity(at(80)), mark(at(80)), ms), false);
  assert.equal(isNewEvent(eventIdentity(at(95)), mark(at(80)), ms), true, "a higher threshold");
  assert.equal(isNewEvent(eventIdentity(at(80)), mark(at(95)), ms), false, "a lower one after a higher");
  assert.equal(isNewEvent(eventIdentity(at(80, S + 3700)), mark(at(80)), ms), false, "reset jitter");
  assert.equal(isNewEvent(eventIdentity(at(80, S + 5 * 3600)), mark(at(95)), ms), true, "the next cycle");
});

Deno.test("isNewEvent(): without a cycle an event repeats only after its interval", () => {
  const e: NotifyEvent = { kind: "needs-login", account: "a", reason: "refresh_token_reused" };
  const id = eventIdentity(e);
  const mark = { cycle: null, level: 0, atMs: NOW.getTime() };
  assert.equal(isNewEvent(id, mark, NOW.getTime() + 3600_000), false);
  assert.equal(isNewEvent(id, mark, NOW.getTime() + 25 * 3600_000), true);
  const moved: NotifyEvent = { kind: "moved", from: "a", to: "b", via: "gateway", fromUntil: S + 100 };
  const movedAgain: NotifyEvent = { kind: "moved", from: "a", to: "c", via: "run", fromUntil: S + 160 };
  assert.equal(
    eventIdentity(moved).key,
    eventIdentity(movedAgain).key,
    "one move per limit of a, wherever to",
  );
  assert.equal(
    isNewEvent(eventIdentity(movedAgain), { cycle: S + 100, level: 0, atMs: NOW.getTime() }, NOW.getTime()),
    false,
  );
});

Deno.test("describeEvent() words every event", () => {
  const words = (e: NotifyEvent) => {
    const m = describeEvent(e, NOW);
    return `${m.title} | ${m.body}`;
  };
  assert.equal(
    words({
      kind: "threshold",
      account: "a",
      window: "primary",
      threshold: 80,
      usedPercent: 82.4,
      resetsAt: S + 3600,
    }),
    'cao: "a" at 82% of its 5-hour window | It crossed 80%; it resets at 13:00 (in 1h).',
  );
  assert.equal(
    words({ kind: "moved", from: "a", to: "b", via: "gateway", fromUntil: S + 7200 }),
    'cao: work moved from "a" to "b" | "a" is limited until 14:00 (in 2h); the gateway continues on "b".',
  );
  assert.equal(
    words({ kind: "all-limited", account: "b", at: S + 2 * 86400 }),
    'cao: every account is limited | "b" resets first, at Nov 23 12:00 (in 2d).',
  );
  assert.match(
    words({ kind: "usable-again", account: "a", why: "usage-room", until: S + 60 }),
    /cleared early/,
  );
  assert.match(words({ kind: "usable-again", account: "a", why: "reset-passed", until: S }), /has reset/);
  assert.equal(
    words({ kind: "needs-login", account: "a", reason: "the refresh token was already used" }),
    'cao: "a" needs a new login | the refresh token was already used. Run "cao add a" to log it in again.',
  );
});
