import assert from "node:assert/strict";
import type { SelectionCandidate } from "../../src/accounts/selection.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";
import type { RunOutcome } from "../../src/codex/run_outcome.ts";
import type { LimitHit } from "../../src/run/candidates.ts";
import {
  INITIAL_LOOP_STATE,
  type LoopState,
  nextTurn,
  planTurn,
  type RunStep,
  type TurnView,
} from "../../src/run/fallback_turn.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
const IN_1H = new Date("2026-11-21T13:00:00Z");
const HIT: LimitHit = { account: "a", until: IN_1H, reason: "usage_limit" };
const FREE = { pinned: null, pinnedBy: null } as const;

function run(account: string, overrides: Partial<RunStep> = {}): RunStep {
  return {
    kind: "run",
    account,
    pass: 1,
    coolingUntil: null,
    overThreshold: false,
    busy: false,
    ...overrides,
  };
}

function limit(exitCode: number): RunOutcome {
  return {
    kind: "usage-limit",
    exitCode,
    sessionId: "s-1",
    rolloutPath: "/h/a/sessions/rollout-s-1.jsonl",
    resetsAt: IN_1H,
    reason: "usage_limit",
    message: "You've hit your usage limit.",
    rateLimits: null,
  };
}

function candidate(name: string, cooling?: Date): SelectionCandidate {
  return {
    name,
    isDefault: name === "a",
    canLogIn: true,
    reservePercent: null,
    status: { ...emptyAccountStatus(), cooldownUntil: cooling?.toISOString() ?? null },
  };
}

function view(overrides: Partial<TurnView> = {}): TurnView {
  return {
    defaultAccount: "a",
    candidates: [candidate("a"), candidate("b")],
    passedOver: [],
    now: NOW,
    ...overrides,
  };
}

Deno.test("nextTurn() a limit on a busy account stops with Codex's code", () => {
  const end = nextTurn(INITIAL_LOOP_STATE, run("a", { busy: true }), limit(1), HIT, FREE, NOW);
  assert.deepEqual(end, {
    kind: "exit",
    code: 1,
    events: [{ kind: "not-continuing", hit: HIT, because: "busy", now: NOW }],
  });
});

Deno.test("nextTurn() a limit on a pinned account that exited 0 still fails", () => {
  const pinned = { pinned: "a", pinnedBy: "--account" } as const;
  const end = nextTurn(INITIAL_LOOP_STATE, run("a"), limit(0), HIT, pinned, NOW);
  assert.deepEqual(end, {
    kind: "exit",
    code: 1,
    events: [{ kind: "not-continuing", hit: HIT, because: "--account", now: NOW }],
  });
});

Deno.test("nextTurn() a limit with fallback carries the session, the tried account and the hit on", () => {
  const end = nextTurn(INITIAL_LOOP_STATE, run("a"), limit(1), HIT, FREE, NOW);
  assert.deepEqual(end, {
    kind: "continue",
    events: [],
    state: {
      pass: 1,
      tried: ["a"],
      session: { id: "s-1", rolloutPath: "/h/a/sessions/rollout-s-1.jsonl", account: "a" },
      lastHit: HIT,
      runs: 1,
    },
  });
});

Deno.test("nextTurn() any other end passes Codex's code through, a failure with a word", () => {
  const state: LoopState = { ...INITIAL_LOOP_STATE, runs: 1 };
  const failed: RunOutcome = { kind: "failed", exitCode: 3, message: "exit code 3", rateLimits: null };
  assert.deepEqual(nextTurn(state, run("b"), failed, null, FREE, NOW), {
    kind: "exit",
    code: 3,
    events: [{ kind: "failed", account: "b", message: "exit code 3" }],
  });
  const success: RunOutcome = { kind: "success", exitCode: 0, rateLimits: null };
  assert.deepEqual(nextTurn(state, run("b"), success, null, FREE, NOW), {
    kind: "exit",
    code: 0,
    events: [],
  });
  const interrupted: RunOutcome = { kind: "interrupted", exitCode: 130, signal: "SIGINT", rateLimits: null };
  assert.deepEqual(nextTurn(state, run("b"), interrupted, null, FREE, NOW), {
    kind: "exit",
    code: 130,
    events: [],
  });
});

Deno.test("planTurn() a stop says the last limit first and knows that codex ran", () => {
  const state: LoopState = { ...INITIAL_LOOP_STATE, lastHit: HIT, runs: 2 };
  const stop = { kind: "stop", reason: "passes", earliestReset: null, reasons: {} } as const;
  assert.deepEqual(planTurn(state, stop, view(), FREE), {
    kind: "stop",
    events: [{ kind: "limit", hit: HIT, now: NOW }],
    end: { kind: "stopped", step: stop, afterRuns: true, now: NOW },
  });
});

Deno.test("planTurn() a new pass forgets the accounts tried in the last one", () => {
  const state: LoopState = { ...INITIAL_LOOP_STATE, tried: ["a", "b"], lastHit: HIT, runs: 2 };
  const wait = { kind: "wait", account: "a", until: IN_1H, pass: 2 } as const;
  assert.deepEqual(planTurn(state, wait, view(), FREE), {
    kind: "wait",
    events: [{ kind: "limit", hit: HIT, now: NOW }],
    state: { ...state, pass: 2, tried: [], lastHit: null },
    step: wait,
  });
});

Deno.test("planTurn() after a limit says where the conversation continues, once", () => {
  const session = { id: "s-1", rolloutPath: "/r", account: "a" };
  const state: LoopState = { pass: 1, tried: ["a"], session, lastHit: HIT, runs: 1 };
  const turn = planTurn(state, run("b"), view(), FREE);
  assert.deepEqual(turn.events, [{ kind: "switched", hit: HIT, account: "b", now: NOW }]);
  assert.equal(turn.kind === "run" && turn.state.lastHit, null);
  const after = planTurn({ ...state, lastHit: null }, run("b"), view(), FREE);
  assert.deepEqual(after.events, [{ kind: "continued", account: "b" }]);
});

Deno.test("planTurn() the first run elsewhere than the default says why, unless the default is busy", () => {
  const cooling = view({ candidates: [candidate("a", IN_1H), candidate("b")] });
  assert.deepEqual(planTurn(INITIAL_LOOP_STATE, run("b"), cooling, FREE).events, [{
    kind: "started-elsewhere",
    defaultAccount: "a",
    availability: { kind: "cooling", until: IN_1H },
    account: "b",
    now: NOW,
  }]);
  const busy = view({ passedOver: ["a"] });
  assert.deepEqual(planTurn(INITIAL_LOOP_STATE, run("b"), busy, FREE).events, [
    { kind: "passed-over", busy: ["a"], account: "b" },
  ]);
});

Deno.test("planTurn() a busy or cooling pinned account runs anyway, and says so", () => {
  const pinned = { pinnedBy: "--account" } as const;
  const step = run("a", { busy: true, coolingUntil: IN_1H });
  assert.deepEqual(planTurn(INITIAL_LOOP_STATE, step, view(), pinned).events, [
    { kind: "shared", account: "a", pinnedBy: "--account" },
    { kind: "cooling-anyway", account: "a", until: IN_1H, pinnedBy: "--account", now: NOW },
  ]);
});
