/**
 * Pure deciders of `cao run` with literal inputs: whether a usage limit on one account can move the work
 * on (another account, or a wait), and whether a run step may fall back at all.
 */

import assert from "node:assert/strict";
import { canMoveOn } from "../../src/run/candidates.ts";
import { fallbackAllowed, type RunStep } from "../../src/run/fallback_turn.ts";
import type { SelectionCandidate } from "../../src/accounts/selection.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";
import { endNotice, runNotice } from "../../src/run/run_notices.ts";

const NOW = new Date("2026-11-21T12:00:00.000Z");
const UNTIL = new Date("2026-11-21T13:00:00.000Z");

function candidate(name: string, fields: Partial<SelectionCandidate> = {}): SelectionCandidate {
  return {
    name,
    isDefault: false,
    status: emptyAccountStatus(),
    canLogIn: true,
    reservePercent: null,
    ...fields,
  };
}

const settings = (wait: boolean, maxPasses: number) => ({ wait, maxPasses, defaultCooldownMs: 3_600_000 });

Deno.test("canMoveOn() is true when another account can take the work", () => {
  const both = [candidate("a", { isDefault: true }), candidate("b")];
  assert.equal(canMoveOn(both, "a", UNTIL, settings(false, 1), new Set(), 1, NOW), true);
  assert.equal(canMoveOn(both, "b", UNTIL, settings(false, 1), new Set(["a"]), 1, NOW), false);
  // A second pass may go back to an account tried in the first one.
  assert.equal(canMoveOn(both, "b", UNTIL, settings(false, 2), new Set(["a"]), 1, NOW), true);
  assert.equal(canMoveOn(both, "b", UNTIL, settings(false, 2), new Set(["a"]), 2, NOW), false);
});

Deno.test("canMoveOn() is false when the others cannot log in or are cooling down, unless cao may wait", () => {
  const cooling = { ...emptyAccountStatus(), cooldownUntil: "2026-11-21T12:30:00.000Z" };
  const others = [
    candidate("a"),
    candidate("b", { canLogIn: false }),
    candidate("c", { status: { ...emptyAccountStatus(), needsRelogin: true } }),
  ];
  assert.equal(canMoveOn(others, "a", UNTIL, settings(false, 3), new Set(), 1, NOW), false);
  assert.equal(
    canMoveOn(
      [candidate("a"), candidate("b", { status: cooling })],
      "a",
      UNTIL,
      settings(false, 3),
      new Set(),
      1,
      NOW,
    ),
    false,
  );
  // Waiting for the first reset is moving on; with no pass left it is not.
  assert.equal(canMoveOn([candidate("a")], "a", UNTIL, settings(true, 3), new Set(), 1, NOW), true);
  assert.equal(canMoveOn([candidate("a")], "a", UNTIL, settings(true, 1), new Set(), 1, NOW), false);
  assert.equal(canMoveOn([candidate("a")], "a", UNTIL, settings(false, 3), new Set(), 1, NOW), false);
});

Deno.test("canMoveOn() is false when the account that hit the limit is the only one that could run next", () => {
  // The limit hit on "a" ends before now: "a" itself is ready again, which is no move.
  assert.equal(
    canMoveOn(
      [candidate("a")],
      "a",
      new Date("2026-11-21T11:00:00.000Z"),
      settings(false, 3),
      new Set(),
      1,
      NOW,
    ),
    false,
  );
});

Deno.test("fallbackAllowed() is false for a pinned account or one another cao run is using", () => {
  const step = (busy: boolean): RunStep => ({
    kind: "run",
    account: "a",
    pass: 1,
    coolingUntil: null,
    overThreshold: false,
    busy,
  });
  assert.equal(fallbackAllowed(step(false), { pinned: null }), true);
  assert.equal(fallbackAllowed(step(true), { pinned: null }), false);
  assert.equal(fallbackAllowed(step(false), { pinned: "a" }), false);
  assert.equal(fallbackAllowed(step(true), { pinned: "a" }), false);
});

Deno.test("runNotice() tells of a move and of a wait for a reset, in epoch seconds, and of nothing else", () => {
  const hit = { account: "a", until: new Date("2026-11-21T13:00:00.900Z"), reason: "usage_limit" as const };
  assert.deepEqual(runNotice({ kind: "switched", hit, account: "b", now: NOW }), {
    kind: "moved",
    from: "a",
    to: "b",
    via: "run",
    fromUntil: 1795266000,
  });
  const step = { kind: "wait" as const, account: "b", until: new Date("2026-11-21T12:30:00.000Z"), pass: 1 };
  assert.deepEqual(runNotice({ kind: "waiting", step, now: NOW }), {
    kind: "all-limited",
    account: "b",
    at: 1795264200,
  });
  assert.equal(runNotice({ kind: "countdown", step, now: NOW }), null);
  assert.equal(runNotice({ kind: "continued", account: "b" }), null);
  assert.equal(runNotice({ kind: "limit", hit, now: NOW }), null);
});

Deno.test("endNotice() tells that every account is limited only when the run stops with a reset ahead", () => {
  const stop = (earliestReset: { name: string; at: Date } | null) => ({
    kind: "stopped" as const,
    step: { kind: "stop" as const, reason: "cooling" as const, earliestReset, reasons: {} },
    afterRuns: true,
    now: NOW,
  });
  assert.deepEqual(endNotice(stop({ name: "c", at: new Date("2026-11-21T12:00:59.999Z") })), {
    kind: "all-limited",
    account: "c",
    at: 1795262459,
  });
  assert.equal(endNotice(stop(null)), null);
  assert.equal(endNotice({ kind: "exit", code: 0 }), null);
  assert.equal(endNotice({ kind: "exit", code: 1 }), null);
});
