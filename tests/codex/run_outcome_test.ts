import assert from "node:assert/strict";
import type { TurnEnd } from "../../src/codex/rollout.ts";
import type { ObservedTurnEnd } from "../../src/codex/rollout_watch.ts";
import { classifyRun, exitCodeOf, type RunObservation } from "../../src/codex/run_outcome.ts";
import { signalExitCode } from "../../src/shared/exit_codes.ts";

const NOW = new Date("2026-11-21T14:00:00Z");
const ID = "01a1fe7c-ef3e-7e72-acbd-76a3bb91d9e4";
const PATH = `/h/sessions/2026/11/21/rollout-2026-11-21T14-00-00-${ID}.jsonl`;
const LIMITS = {
  primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 1795273079 },
  secondary: null,
  observedAt: "2026-11-21T14:00:00Z",
};

function observed(end: TurnEnd): ObservedTurnEnd {
  return { sessionId: ID, rolloutPath: PATH, end };
}

const limited = observed({
  kind: "completed",
  at: "2026-11-21T14:00:00Z",
  error: { message: "You’ve hit your usage limit. Try again at 2:57 PM.", info: "usage_limit_exceeded" },
  rateLimits: LIMITS,
});
const failedTurn = observed({
  kind: "completed",
  at: null,
  error: { message: "We’re currently experiencing high demand", info: "internal_server_error" },
  rateLimits: null,
});
const okTurn = observed({ kind: "completed", at: null, error: null, rateLimits: null });

function observation(overrides: Partial<RunObservation>): RunObservation {
  return {
    exit: { code: 0, signal: null },
    interruptedBy: null,
    limit: null,
    lastEnd: null,
    rateLimits: null,
    ...overrides,
  };
}

Deno.test("classifyRun() calls a clean exit a success", () => {
  assert.deepEqual(classifyRun(observation({ lastEnd: okTurn }), NOW), {
    kind: "success",
    exitCode: 0,
    rateLimits: null,
  });
});

Deno.test("classifyRun() reports a usage limit with the session, reset and reason", () => {
  const outcome = classifyRun(
    observation({ exit: { code: 1, signal: null }, limit: limited, lastEnd: limited }),
    NOW,
  );
  assert.equal(outcome.kind, "usage-limit");
  if (outcome.kind !== "usage-limit") return;
  assert.equal(outcome.sessionId, ID);
  assert.equal(outcome.rolloutPath, PATH);
  assert.equal(outcome.exitCode, 1);
  assert.deepEqual(outcome.resetsAt, new Date(1795273079 * 1000));
  assert.equal(outcome.reason, "usage_limit");
  assert.deepEqual(outcome.rateLimits, LIMITS);
});

Deno.test("classifyRun() treats any other non-zero exit as a failure, with Codex's error", () => {
  const outcome = classifyRun(observation({ exit: { code: 1, signal: null }, lastEnd: failedTurn }), NOW);
  assert.deepEqual(outcome, {
    kind: "failed",
    exitCode: 1,
    message: "We’re currently experiencing high demand (codex exited with code 1)",
    rateLimits: null,
  });
  const bare = classifyRun(observation({ exit: { code: 2, signal: null } }), NOW);
  assert.equal(bare.kind === "failed" && bare.message, "codex exited with code 2");
});

Deno.test("classifyRun() never blames the account for an interruption, whatever the rollout says", () => {
  const outcome = classifyRun(
    observation({
      exit: { code: 1, signal: null },
      interruptedBy: "SIGINT",
      limit: limited,
      lastEnd: limited,
    }),
    NOW,
  );
  assert.equal(outcome.kind, "interrupted");
  assert.equal(outcome.exitCode, 130);
  const clean = classifyRun(observation({ interruptedBy: "SIGTERM" }), NOW);
  assert.equal(clean.exitCode, 0);
});

Deno.test("exit codes: codex's own code, 128+N for a signal", () => {
  assert.equal(exitCodeOf({ code: 3, signal: null }), 3);
  assert.equal(exitCodeOf({ code: 143, signal: "SIGTERM" }), 143);
  assert.equal(exitCodeOf({ code: 0, signal: "SIGKILL" }), 137);
  assert.equal(signalExitCode("SIGINT"), 130);
  assert.equal(signalExitCode("SIGHUP"), 129);
});
