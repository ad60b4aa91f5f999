import assert from "node:assert/strict";
import {
  busyLine,
  countdownText,
  formatWhen,
  renderRunEvent,
  sharedLine,
  startLine,
  stopMessage,
  switchLine,
  waitLine,
} from "../../src/cli/run_messages.ts";

// The test task pins TZ=UTC, so local times below are UTC.
const NOW = new Date("2026-11-21T14:25:00Z");
const AT = new Date("2026-11-21T14:37:00Z");

Deno.test("formatWhen() gives the local time and how far away it is", () => {
  assert.equal(formatWhen(AT, NOW), "2026-11-21 14:37 (in 12m)");
});

Deno.test("switchLine() names the limited account, its reset and who continues", () => {
  assert.equal(
    switchLine({ account: "a", until: AT, reason: "usage_limit" }, "b", true, NOW),
    'cao: "a" hit its usage limit until 2026-11-21 14:37 (in 12m); continuing the conversation on "b"',
  );
  assert.match(
    switchLine({ account: "a", until: AT, reason: "usage_not_included" }, "b", false, NOW),
    /"a" has no Codex usage in its plan .*; starting over on "b"/,
  );
});

Deno.test("startLine() says why the default account was skipped", () => {
  assert.equal(
    startLine("a", { kind: "cooling", until: AT }, "b", NOW),
    'cao: the default account "a" is cooling down until 2026-11-21 14:37 (in 12m); starting on "b"',
  );
  assert.match(startLine("a", { kind: "needs-login", reason: "not logged in" }, "b", NOW), /cannot be used/);
});

Deno.test("stopMessage() names the first reset and points at --wait", () => {
  const { message, hint } = stopMessage({
    kind: "stop",
    reason: "cooling",
    earliestReset: { name: "b", at: AT },
    reasons: {
      a: { kind: "cooling", until: new Date("2026-11-21T15:00:00Z") },
      b: { kind: "cooling", until: AT },
    },
  }, NOW);
  assert.equal(
    message,
    'Cannot run codex: every account is cooling down; "b" resets first, at 2026-11-21 14:37 (in 12m) ' +
      '("a" until 2026-11-21 15:00 (in 35m), "b" until 2026-11-21 14:37 (in 12m))',
  );
  assert.match(hint, /cao run --wait/);
  const none = stopMessage({
    kind: "stop",
    reason: "unusable",
    earliestReset: null,
    reasons: { a: { kind: "needs-login", reason: "not logged in" } },
  }, NOW);
  assert.match(none.message, /no account can be used/);
  assert.match(none.hint, /cao add/);
});

Deno.test("waitLine() and countdownText() show the wait", () => {
  const step = { kind: "wait" as const, account: "b", until: AT, pass: 1 };
  assert.equal(
    waitLine(step, NOW),
    'cao: every account is cooling down; waiting for "b" to reset at 2026-11-21 14:37 (in 12m)',
  );
  assert.equal(countdownText(step, NOW), 'cao: waiting for "b" to reset — 12m left (Ctrl-C to stop)');
});

Deno.test("busyLine() and sharedLine() say which accounts another cao run is using and what cao does", () => {
  assert.equal(busyLine(["a"], "b"), 'cao: "a" is in use by another cao run; using "b" instead');
  assert.equal(busyLine(["a", "b"], "c"), 'cao: "a", "b" are in use by another cao run; using "c" instead');
  assert.equal(
    sharedLine("a", null),
    'cao: every usable account is in use by another cao run; running on "a" anyway, without acting on usage ' +
      "limits (they may be the other run's)",
  );
  assert.match(
    sharedLine("b", "--account"),
    /^cao: "b" is in use by another cao run; running it anyway as --account asks,/,
  );
});

Deno.test("renderRunEvent() words every way a run goes on or ends, warnings and the countdown apart", () => {
  const hit = { account: "a", until: AT, reason: "usage_limit" } as const;
  assert.deepEqual(renderRunEvent({ kind: "not-continuing", hit, because: "busy", now: NOW }), {
    kind: "line",
    text: 'cao: "a" hit its usage limit until 2026-11-21 14:37 (in 12m); not continuing on another account ' +
      "(another cao run is using it)",
  });
  assert.match(
    renderRunEvent({ kind: "not-continuing", hit, because: "--no-fallback", now: NOW }).text,
    /\(--no-fallback\)$/,
  );
  assert.deepEqual(
    renderRunEvent({ kind: "cooling-anyway", account: "a", until: AT, pinnedBy: "--account", now: NOW }),
    {
      kind: "warning",
      text: '"a" is cooling down until 2026-11-21 14:37 (in 12m); running it anyway as --account asks',
    },
  );
  const step = { kind: "wait", account: "a", until: AT, pass: 1 } as const;
  assert.equal(renderRunEvent({ kind: "countdown", step, now: NOW }).kind, "raw");
  assert.deepEqual(renderRunEvent({ kind: "countdown-over" }), { kind: "raw", text: "\r\x1b[K" });
  assert.deepEqual(renderRunEvent({ kind: "failed", account: "b", message: "exit code 3" }), {
    kind: "line",
    text: 'cao: codex failed on "b" (exit code 3); only usage limits move the work to another account',
  });
});
