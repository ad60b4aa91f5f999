import assert from "node:assert/strict";
import {
  isUsageLimit,
  parseRateLimits,
  parseRolloutLine,
  resetFromMessage,
  sessionIdFromRolloutName,
  type TurnEnd,
  turnEndsOf,
  usageFromRateLimits,
  usageLimitReason,
  usageLimitResetsAt,
} from "../../src/codex/rollout.ts";

const ID = "01a1fe7c-ef3e-7e72-acbd-76a3bb91d9e4";
const NOW = new Date("2026-11-21T14:22:43Z");

// Lines as codex 0.169 wrote them (trimmed), CODEX_FACTS §2.3 and §3.3.
const TOKEN_COUNT_LIMITED = JSON.stringify({
  timestamp: "2026-11-21T14:22:43.649Z",
  ordinal: 23,
  type: "event_msg",
  payload: {
    type: "token_count",
    info: null,
    rate_limits: {
      limit_id: "codex",
      limit_name: null,
      primary: { used_percent: 100.0, window_minutes: 300, resets_at: 1795271562 },
      secondary: { used_percent: 40.0, window_minutes: 10080, resets_at: 1795354488 },
      credits: null,
      plan_type: null,
    },
  },
});
const LIMIT_MESSAGE =
  "You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit " +
  "https://chatgpt.com/settings/usage to purchase more credits or try again at 2:32 PM.";
const TASK_COMPLETE_LIMITED = JSON.stringify({
  timestamp: "2026-11-21T14:22:43.655Z",
  ordinal: 24,
  type: "event_msg",
  payload: {
    type: "task_complete",
    turn_id: "t2",
    last_agent_message: null,
    error: { message: LIMIT_MESSAGE, codex_error_info: "usage_limit_exceeded" },
  },
});
const TASK_COMPLETE_OK = JSON.stringify({
  timestamp: "2026-11-21T14:22:40.000Z",
  type: "event_msg",
  payload: { type: "task_complete", turn_id: "t1", last_agent_message: "hi" },
});
const TURN_ABORTED = JSON.stringify({
  timestamp: "2026-11-21T14:23:59.985Z",
  type: "event_msg",
  payload: { type: "turn_aborted", turn_id: "t3", reason: "interrupted" },
});

function lines(...texts: string[]) {
  return texts.map(parseRolloutLine).filter((l) => l !== null);
}

Deno.test("parseRolloutLine() reads event lines and skips blank or broken ones", () => {
  assert.equal(parseRolloutLine(""), null);
  assert.equal(parseRolloutLine("{not json"), null);
  assert.equal(parseRolloutLine('{"type":"x"}'), null);
  const line = parseRolloutLine(TASK_COMPLETE_OK);
  assert.equal(line?.type, "event_msg");
  assert.equal(line?.payload.type, "task_complete");
  assert.equal(line?.timestamp, "2026-11-21T14:22:40.000Z");
});

Deno.test("sessionIdFromRolloutName() takes the thread id from the file name", () => {
  assert.equal(sessionIdFromRolloutName(`rollout-2026-11-21T14-22-43-${ID}.jsonl`), ID);
  assert.equal(
    sessionIdFromRolloutName(`/h/sessions/2026/11/21/rollout-2026-11-21T14-22-43-${ID}.jsonl`),
    ID,
  );
  assert.equal(sessionIdFromRolloutName("history.jsonl"), null);
  assert.equal(sessionIdFromRolloutName(`rollout-${ID}.json`), null);
});

Deno.test("turnEndsOf() reports a successful turn, a limited turn with its rate limits, an aborted turn", () => {
  const ends = turnEndsOf(lines(TASK_COMPLETE_OK, TOKEN_COUNT_LIMITED, TASK_COMPLETE_LIMITED, TURN_ABORTED));
  assert.equal(ends.length, 3);
  assert.deepEqual(ends[0], {
    kind: "completed",
    at: "2026-11-21T14:22:40.000Z",
    error: null,
    rateLimits: null,
  });
  assert.equal(ends[1].kind, "completed");
  assert.deepEqual(ends[1].kind === "completed" && ends[1].error, {
    message: LIMIT_MESSAGE,
    info: "usage_limit_exceeded",
  });
  assert.deepEqual(ends[1].rateLimits?.primary, {
    usedPercent: 100,
    windowMinutes: 300,
    resetsAt: 1795271562,
  });
  assert.equal(ends[2].kind, "aborted");
  assert.equal(ends[2].kind === "aborted" && ends[2].reason, "interrupted");
});

Deno.test("isUsageLimit() is true only for codex_error_info usage_limit_exceeded and its kin", () => {
  const [ok, limited] = turnEndsOf(lines(TASK_COMPLETE_OK, TOKEN_COUNT_LIMITED, TASK_COMPLETE_LIMITED));
  assert.equal(isUsageLimit(ok), false);
  assert.equal(isUsageLimit(limited), true);
  const other = (info: unknown): TurnEnd => ({
    kind: "completed",
    at: null,
    error: { message: "x", info },
    rateLimits: null,
  });
  assert.equal(isUsageLimit(other({ response_too_many_failed_attempts: { http_status_code: 429 } })), false);
  assert.equal(isUsageLimit(other("other")), false);
  assert.equal(isUsageLimit(other("internal_server_error")), false);
  assert.equal(isUsageLimit(other("usageLimitExceeded")), true);
  assert.equal(isUsageLimit({ kind: "aborted", at: null, reason: "interrupted", rateLimits: null }), false);
});

Deno.test("isUsageLimit() recognises a limit that came inside the stream, recorded as 'other'", () => {
  const streamFailed = (message: string, usedPercent: number | null): TurnEnd => ({
    kind: "completed",
    at: null,
    error: { message: `stream disconnected before completion: ${message}`, info: "other" },
    rateLimits: usedPercent === null ? null : {
      primary: { usedPercent, windowMinutes: 300, resetsAt: 1900000000 },
      secondary: null,
      observedAt: null,
    },
  });
  assert.equal(isUsageLimit(streamFailed("rate limited", 100)), true, "a window at 100 %");
  assert.equal(
    isUsageLimit(streamFailed("The usage limit has been reached", null)),
    true,
    "the message says so",
  );
  assert.equal(isUsageLimit(streamFailed("You've hit your usage_limit", 12)), true);
  assert.equal(isUsageLimit(streamFailed("connection reset", 12)), false);
  assert.equal(isUsageLimit(streamFailed("connection reset", null)), false);
  const plainOther: TurnEnd = {
    kind: "completed",
    at: null,
    error: { message: "usage limit in some other error", info: "other" },
    rateLimits: null,
  };
  assert.equal(isUsageLimit(plainOther), false, "only a stream failure");
});

Deno.test("usageLimitReason() tells a usage limit from a plan without Codex and exhausted quota", () => {
  assert.equal(usageLimitReason(LIMIT_MESSAGE), "usage_limit");
  assert.equal(
    usageLimitReason(
      "To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.",
    ),
    "usage_not_included",
  );
  assert.equal(
    usageLimitReason("Quota exceeded. Check your plan and billing details."),
    "insufficient_quota",
  );
});

Deno.test("usageLimitResetsAt() prefers the full window's resets_at", () => {
  const [limited] = turnEndsOf(lines(TOKEN_COUNT_LIMITED, TASK_COMPLETE_LIMITED));
  assert.deepEqual(usageLimitResetsAt(limited, NOW), new Date(1795271562 * 1000));
});

Deno.test("usageLimitResetsAt() takes the latest reset when both windows are full", () => {
  const end: TurnEnd = {
    kind: "completed",
    at: null,
    error: { message: "x", info: "usage_limit_exceeded" },
    rateLimits: {
      primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 1000 },
      secondary: { usedPercent: 100, windowMinutes: 10080, resetsAt: 5000 },
      observedAt: null,
    },
  };
  assert.deepEqual(usageLimitResetsAt(end, NOW), new Date(5_000_000));
});

Deno.test("usageLimitResetsAt() falls back to the time in the message, then to null", () => {
  const [limited] = turnEndsOf(lines(TASK_COMPLETE_LIMITED));
  // TZ=UTC in the test task: "2:32 PM" after 14:22:43 is 14:32 the same day, end of the minute.
  assert.deepEqual(usageLimitResetsAt(limited, NOW), new Date("2026-11-21T14:32:59.999Z"));
  const noTime: TurnEnd = {
    kind: "completed",
    at: null,
    error: { message: "Quota exceeded. Check your plan and billing details.", info: "usage_limit_exceeded" },
    rateLimits: null,
  };
  assert.equal(usageLimitResetsAt(noTime, NOW), null);
});

Deno.test("resetFromMessage() reads bare times (rolling to the next day) and dated ones", () => {
  const at = new Date("2026-11-21T15:00:00Z");
  assert.deepEqual(resetFromMessage("… or try again at 3:44 PM.", at), new Date("2026-11-21T15:44:59.999Z"));
  assert.deepEqual(resetFromMessage("… try again at 9:05 AM.", at), new Date("2026-11-22T09:05:59.999Z"));
  assert.deepEqual(resetFromMessage("… try again at 12:10 AM.", at), new Date("2026-11-22T00:10:59.999Z"));
  assert.deepEqual(
    resetFromMessage("You’ve hit your usage limit. Try again at Nov 23rd, 2026 9:17 PM.", at),
    new Date("2026-11-23T21:17:59.999Z"),
  );
  assert.equal(resetFromMessage("no time here", at), null);
});

Deno.test("parseRateLimits() and usageFromRateLimits() keep both windows for the status", () => {
  const limits = parseRateLimits({
    primary: { used_percent: 12.5, window_minutes: 300, resets_at: 1795271688 },
    secondary: null,
  }, "2026-11-21T14:00:00Z");
  assert.deepEqual(usageFromRateLimits(limits!, NOW), {
    primary: { usedPercent: 12.5, windowMinutes: 300, resetsAt: 1795271688 },
    secondary: null,
    observedAt: "2026-11-21T14:00:00Z",
    source: "rollout",
  });
  assert.equal(parseRateLimits(null, null), null);
  assert.equal(parseRateLimits({ primary: null, secondary: null }, null), null);
});
