import assert from "node:assert/strict";
import { type PlanInput, planNextStep } from "../../src/run/fallback_plan.ts";
import type { SelectionCandidate } from "../../src/accounts/selection.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
const IN_10M = new Date("2026-11-21T12:10:00Z");
const IN_1H = new Date("2026-11-21T13:00:00Z");

function candidate(name: string, options: { isDefault?: boolean; cooling?: Date; canLogIn?: boolean } = {}) {
  return {
    name,
    isDefault: options.isDefault ?? false,
    canLogIn: options.canLogIn ?? true,
    reservePercent: null,
    status: { ...emptyAccountStatus(), cooldownUntil: options.cooling?.toISOString() ?? null },
  } satisfies SelectionCandidate;
}

function input(candidates: SelectionCandidate[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    candidates,
    policy: { switchAtPercent: null },
    now: NOW,
    pinned: null,
    wait: false,
    maxPasses: 2,
    pass: 1,
    tried: new Set(),
    ...overrides,
  };
}

Deno.test("planNextStep() runs the default account first", () => {
  const step = planNextStep(input([candidate("a"), candidate("b", { isDefault: true })]));
  assert.deepEqual(step, {
    kind: "run",
    account: "b",
    pass: 1,
    coolingUntil: null,
    overThreshold: false,
    busy: false,
  });
});

Deno.test("planNextStep() moves to the next account that is not cooling down", () => {
  const accounts = [candidate("a", { isDefault: true, cooling: IN_1H }), candidate("b"), candidate("c")];
  const step = planNextStep(input(accounts, { tried: new Set(["a"]) }));
  assert.equal(step.kind === "run" && step.account, "b");
});

Deno.test("planNextStep() stops with the earliest reset when every account is cooling down", () => {
  const accounts = [candidate("a", { isDefault: true, cooling: IN_1H }), candidate("b", { cooling: IN_10M })];
  const step = planNextStep(input(accounts));
  assert.equal(step.kind, "stop");
  if (step.kind !== "stop") return;
  assert.equal(step.reason, "cooling");
  assert.deepEqual(step.earliestReset, { name: "b", at: IN_10M });
});

Deno.test("planNextStep() waits for the earliest reset with --wait", () => {
  const accounts = [candidate("a", { isDefault: true, cooling: IN_1H }), candidate("b", { cooling: IN_10M })];
  assert.deepEqual(planNextStep(input(accounts, { wait: true })), {
    kind: "wait",
    account: "b",
    until: IN_10M,
    pass: 1,
  });
});

Deno.test("planNextStep() starts a new pass once every account was tried, and waits in it with --wait", () => {
  const accounts = [candidate("a", { isDefault: true, cooling: IN_1H }), candidate("b", { cooling: IN_10M })];
  const tried = new Set(["a", "b"]);
  assert.deepEqual(planNextStep(input(accounts, { tried, wait: true })), {
    kind: "wait",
    account: "b",
    until: IN_10M,
    pass: 2,
  });
  const expired = [candidate("a", { isDefault: true }), candidate("b", { cooling: IN_10M })];
  const step = planNextStep(input(expired, { tried }));
  assert.deepEqual(step, {
    kind: "run",
    account: "a",
    pass: 2,
    coolingUntil: null,
    overThreshold: false,
    busy: false,
  });
});

Deno.test("planNextStep() stops when the passes are used up", () => {
  const accounts = [candidate("a", { isDefault: true, cooling: IN_1H }), candidate("b", { cooling: IN_10M })];
  const step = planNextStep(input(accounts, { tried: new Set(["a", "b"]), pass: 2, wait: true }));
  assert.equal(step.kind, "stop");
  if (step.kind !== "stop") return;
  assert.equal(step.reason, "passes");
  assert.deepEqual(step.earliestReset, { name: "b", at: IN_10M });
});

Deno.test("planNextStep() stops without a reset when no account can log in", () => {
  const step = planNextStep(input([candidate("a", { isDefault: true, canLogIn: false })], { wait: true }));
  assert.equal(step.kind === "stop" && step.reason, "unusable");
});

Deno.test("planNextStep() runs a pinned account even while it cools down, or waits for it with --wait", () => {
  const accounts = [candidate("a", { isDefault: true }), candidate("b", { cooling: IN_10M })];
  assert.deepEqual(planNextStep(input(accounts, { pinned: "b" })), {
    kind: "run",
    account: "b",
    pass: 1,
    coolingUntil: IN_10M,
    overThreshold: false,
    busy: false,
  });
  assert.deepEqual(planNextStep(input(accounts, { pinned: "b", wait: true })), {
    kind: "wait",
    account: "b",
    until: IN_10M,
    pass: 1,
  });
  assert.equal(planNextStep(input(accounts, { pinned: "a" })).kind, "run");
  const noLogin = [candidate("a", { isDefault: true, canLogIn: false })];
  assert.equal(planNextStep(input(noLogin, { pinned: "a" })).kind, "stop");
});

Deno.test("planNextStep() passes over accounts another cao run is using", () => {
  const accounts = [candidate("a", { isDefault: true }), candidate("b"), candidate("c")];
  assert.deepEqual(planNextStep(input(accounts, { busy: new Set(["a"]) })), {
    kind: "run",
    account: "b",
    pass: 1,
    coolingUntil: null,
    overThreshold: false,
    busy: false,
  });
  const later = planNextStep(input(accounts, { tried: new Set(["a"]), busy: new Set(["b"]) }));
  assert.equal(later.kind === "run" && later.account, "c");
});

Deno.test("planNextStep() runs the first planned account, flagged busy, when every usable one is busy", () => {
  const accounts = [candidate("a", { isDefault: true }), candidate("b"), candidate("c", { cooling: IN_1H })];
  const busy = new Set(["a", "b"]);
  assert.deepEqual(planNextStep(input(accounts, { busy })), {
    kind: "run",
    account: "a",
    pass: 1,
    coolingUntil: null,
    overThreshold: false,
    busy: true,
  });
  // Rather than waiting for c's reset, and after a limit too.
  assert.equal(planNextStep(input(accounts, { busy, wait: true })).kind, "run");
  const next = planNextStep(input(accounts, { busy, tried: new Set(["a"]) }));
  assert.equal(next.kind === "run" && `${next.account} ${next.busy}`, "b true");
  // A busy account that cools down is reported as cooling: the plan stops as before.
  const cooling = [candidate("a", { isDefault: true, cooling: IN_10M }), candidate("b", { cooling: IN_1H })];
  const stop = planNextStep(input(cooling, { busy: new Set(["a"]) }));
  assert.equal(stop.kind === "stop" && stop.reasons.a.kind, "cooling");
});

Deno.test("planNextStep() runs a pinned account another cao run is using, flagged busy", () => {
  const accounts = [candidate("a", { isDefault: true }), candidate("b", { cooling: IN_10M })];
  const pinned = planNextStep(input(accounts, { pinned: "a", busy: new Set(["a"]) }));
  assert.equal(pinned.kind === "run" && `${pinned.account} ${pinned.busy}`, "a true");
  const coolingToo = planNextStep(input(accounts, { pinned: "b", busy: new Set(["b"]) }));
  assert.deepEqual(coolingToo, {
    kind: "run",
    account: "b",
    pass: 1,
    coolingUntil: IN_10M,
    overThreshold: false,
    busy: true,
  });
  const free = planNextStep(input(accounts, { pinned: "a", busy: new Set(["b"]) }));
  assert.equal(free.kind === "run" && free.busy, false);
});
