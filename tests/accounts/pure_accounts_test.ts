/**
 * Pure parts of accounts/ with literal inputs: the order accounts are tried in, the usage-history
 * retention and samples as read from disk, and the shape checks of account_status.json and usage_history.json.
 */

import assert from "node:assert/strict";
import { preferenceOrder, type SelectionCandidate } from "../../src/accounts/selection.ts";
import { isRetentionDays, parseSample } from "../../src/accounts/usage_samples.ts";
import { emptyAccountStatus, statusFileProblem } from "../../src/accounts/status_store.ts";
import { usageHistoryProblem } from "../../src/accounts/usage_history.ts";
import { clearNeedsRelogin } from "../../src/accounts/status_events.ts";
import { findAccount } from "../../src/accounts/registry.ts";

function candidate(name: string, isDefault = false): SelectionCandidate {
  return { name, isDefault, status: emptyAccountStatus(), canLogIn: true, reservePercent: null };
}

Deno.test("preferenceOrder() puts the default first and keeps the others in their order", () => {
  const names = (list: SelectionCandidate[]) => preferenceOrder(list).map((c) => c.name);
  assert.deepEqual(names([candidate("a"), candidate("b"), candidate("c", true), candidate("d")]), [
    "c",
    "a",
    "b",
    "d",
  ]);
  assert.deepEqual(names([candidate("a", true), candidate("b")]), ["a", "b"]);
  assert.deepEqual(names([candidate("a"), candidate("b")]), ["a", "b"]);
  assert.deepEqual(names([]), []);
  const input = [candidate("a"), candidate("b", true)];
  preferenceOrder(input);
  assert.deepEqual(input.map((c) => c.name), ["a", "b"], "the input is left as it was");
});

Deno.test("isRetentionDays() is a whole number of days from 1 to 730", () => {
  for (const days of [1, 30, 730]) assert.equal(isRetentionDays(days), true, String(days));
  for (const days of [0, -1, 731, 1.5, Number.NaN, Infinity, "30", null, undefined]) {
    assert.equal(isRetentionDays(days), false, String(days));
  }
});

Deno.test("parseSample() reads a sample, clamps its percent, floors its time and fills what is optional", () => {
  assert.deepEqual(
    parseSample({
      at: 1795262400.9,
      usedPercent: 42.5,
      windowMinutes: 300,
      resetsAt: 1795280000,
      source: "headers",
    }),
    { at: 1795262400, usedPercent: 42.5, windowMinutes: 300, resetsAt: 1795280000, source: "headers" },
  );
  assert.deepEqual(parseSample({ at: 10, usedPercent: 120 }), {
    at: 10,
    usedPercent: 100,
    windowMinutes: null,
    resetsAt: null,
    source: "unknown",
  });
  assert.deepEqual(parseSample({ at: 10, usedPercent: -3, windowMinutes: "300", source: 7 }), {
    at: 10,
    usedPercent: 0,
    windowMinutes: null,
    resetsAt: null,
    source: "unknown",
  });
  // Without a time or a percent there is no sample.
  assert.equal(parseSample({ usedPercent: 5 }), null);
  assert.equal(parseSample({ at: 10 }), null);
  assert.equal(parseSample({ at: "10", usedPercent: 5 }), null);
  assert.equal(parseSample({ at: 10, usedPercent: Number.NaN }), null);
  assert.equal(parseSample([10, 5]), null);
  assert.equal(parseSample(null), null);
});

Deno.test("statusFileProblem() and usageHistoryProblem() refuse a non-object or non-object accounts only", () => {
  for (const problem of [statusFileProblem, usageHistoryProblem]) {
    assert.equal(problem({}), null);
    assert.equal(problem({ schemaVersion: 99, accounts: {} }), null);
    assert.equal(problem({ accounts: { a: "anything" } }), null);
    assert.equal(problem(null), "it is not a JSON object");
    assert.equal(problem([]), "it is not a JSON object");
    assert.equal(problem("{}"), "it is not a JSON object");
    assert.equal(problem({ accounts: [] }), "accounts is not an object");
    assert.equal(problem({ accounts: null }), "accounts is not an object");
  }
});

Deno.test("clearNeedsRelogin() clears the flag and its reason, and says whether there was one", () => {
  const status = {
    ...emptyAccountStatus(),
    needsRelogin: true,
    needsReloginReason: "refresh token reused",
    failures: 2,
  };
  assert.equal(clearNeedsRelogin(status), true);
  assert.deepEqual(status, { ...emptyAccountStatus(), failures: 2 });
  assert.equal(clearNeedsRelogin(status), false);
  const stray = { ...emptyAccountStatus(), needsReloginReason: "left over" };
  assert.equal(clearNeedsRelogin(stray), false);
  assert.equal(stray.needsReloginReason, "left over", "only a set flag is cleared");
});

Deno.test("findAccount() finds an account by its exact name", () => {
  const registry = {
    schemaVersion: 1,
    defaultAccount: "work",
    accounts: [{ name: "work", addedAt: "2026-11-01T00:00:00.000Z" }, {
      name: "Work",
      addedAt: "2026-11-02T00:00:00.000Z",
    }],
  };
  assert.equal(findAccount(registry, "Work")?.addedAt, "2026-11-02T00:00:00.000Z");
  assert.equal(findAccount(registry, "work")?.addedAt, "2026-11-01T00:00:00.000Z");
  assert.equal(findAccount(registry, "WORK"), undefined);
  assert.equal(findAccount(registry, ""), undefined);
  assert.equal(findAccount({ ...registry, accounts: [] }, "work"), undefined);
});
