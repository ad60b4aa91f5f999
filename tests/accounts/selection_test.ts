import assert from "node:assert/strict";
import {
  accountAvailability,
  highestUsedPercent,
  type SelectionCandidate,
  selectNextAccount,
} from "../../src/accounts/selection.ts";
import { type AccountStatus, emptyAccountStatus } from "../../src/accounts/status_store.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
const EPOCH = NOW.getTime() / 1000;

function candidate(
  name: string,
  overrides: Partial<SelectionCandidate> = {},
  status: Partial<AccountStatus> = {},
) {
  return {
    name,
    isDefault: false,
    canLogIn: true,
    reservePercent: null,
    ...overrides,
    status: { ...emptyAccountStatus(), ...status },
  };
}

const policy = { switchAtPercent: null };

Deno.test("selectNextAccount() starts with the default, then registry order", () => {
  const accounts = [candidate("a"), candidate("b", { isDefault: true }), candidate("c")];
  assert.deepEqual(selectNextAccount(accounts, { now: NOW, policy }), {
    kind: "selected",
    name: "b",
    overThreshold: false,
  });
  assert.equal(
    (selectNextAccount(accounts, { now: NOW, policy, exclude: new Set(["b"]) }) as { name: string }).name,
    "a",
  );
});

Deno.test("selectNextAccount() skips cooling and logged-out accounts; an expired cooldown counts as none", () => {
  const accounts = [
    candidate("a", { isDefault: true }, { cooldownUntil: "2026-11-21T13:00:00.000Z" }),
    candidate("b", { canLogIn: false }),
    candidate("c", {}, { needsRelogin: true, needsReloginReason: "reused" }),
    candidate("d", {}, { cooldownUntil: "2026-11-21T11:00:00.000Z" }),
  ];
  assert.equal((selectNextAccount(accounts, { now: NOW, policy }) as { name: string }).name, "d");
});

Deno.test("selectNextAccount() reports the earliest reset when nothing is available", () => {
  const accounts = [
    candidate("a", { isDefault: true }, { cooldownUntil: "2026-11-21T15:00:00.000Z" }),
    candidate("b", {}, { cooldownUntil: "2026-11-21T13:30:00.000Z" }),
    candidate("c", { canLogIn: false }),
  ];
  const result = selectNextAccount(accounts, { now: NOW, policy });
  assert.equal(result.kind, "none");
  if (result.kind === "none") {
    assert.deepEqual(result.earliestReset, { name: "b", at: new Date("2026-11-21T13:30:00.000Z") });
    assert.equal(result.reasons.c.kind, "needs-login");
  }
});

Deno.test("selectNextAccount() avoids accounts over the threshold or their reserve unless nothing else is left", () => {
  const usage = (percent: number) => ({
    usage: {
      primary: { usedPercent: percent, windowMinutes: 300, resetsAt: EPOCH + 3600 },
      secondary: null,
      observedAt: NOW.toISOString(),
      source: "headers",
    },
  });
  const accounts = [
    candidate("a", { isDefault: true }, usage(96)),
    candidate("b", { reservePercent: 50 }, usage(60)),
    candidate("c", {}, usage(10)),
  ];
  const strict = { switchAtPercent: 95 };
  assert.equal((selectNextAccount(accounts, { now: NOW, policy: strict }) as { name: string }).name, "c");
  const onlyOver = selectNextAccount(accounts, { now: NOW, policy: strict, exclude: new Set(["c"]) });
  assert.deepEqual(onlyOver, { kind: "selected", name: "a", overThreshold: true });
  assert.equal(accountAvailability(accounts[0], policy, NOW).kind, "available", "no threshold, no avoidance");
});

Deno.test("highestUsedPercent() ignores windows that have reset", () => {
  const status = {
    ...emptyAccountStatus(),
    usage: {
      primary: { usedPercent: 100, windowMinutes: 300, resetsAt: EPOCH - 1 },
      secondary: { usedPercent: 40, windowMinutes: 10080, resetsAt: EPOCH + 100 },
      observedAt: NOW.toISOString(),
      source: "rollout",
    },
  };
  assert.equal(highestUsedPercent(status, NOW), 40);
  assert.equal(highestUsedPercent(emptyAccountStatus(), NOW), null);
});

Deno.test("selectNextAccount() passes over busy accounts, with the reason busy unless another one says more", () => {
  const accounts = [
    candidate("a", { isDefault: true }),
    candidate("b", {}, { cooldownUntil: "2026-11-21T13:00:00.000Z" }),
    candidate("c"),
  ];
  assert.deepEqual(selectNextAccount(accounts, { now: NOW, policy, busy: new Set(["a", "b"]) }), {
    kind: "selected",
    name: "c",
    overThreshold: false,
  });
  const none = selectNextAccount(accounts, { now: NOW, policy, busy: new Set(["a", "b", "c"]) });
  assert.equal(none.kind, "none");
  if (none.kind !== "none") return;
  assert.deepEqual(none.reasons.a, { kind: "busy" });
  assert.equal(none.reasons.b.kind, "cooling");
  assert.deepEqual(none.earliestReset, { name: "b", at: new Date("2026-11-21T13:00:00.000Z") });
  assert.deepEqual(accountAvailability(accounts[2], policy, NOW, new Set(["c"])), { kind: "busy" });
  assert.deepEqual(accountAvailability(accounts[2], policy, NOW), { kind: "available" });
});
