/**
 * Unit tests of the pool: stickiness per conversation, moves, thresholds and reserves, session pruning.
 */

import assert from "node:assert/strict";
import { AccountPool, type PoolOptions } from "../../src/gateway/account_pool.ts";
import type { Registry } from "../../src/accounts/registry.ts";
import { type AccountStatus, emptyAccountStatus } from "../../src/accounts/status_store.ts";
import { recordQuotaHit } from "../../src/accounts/status_events.ts";

const NOW = new Date("2026-11-21T12:00:00Z");

function registry(names: string[], reserve: Record<string, number> = {}): Registry {
  return {
    schemaVersion: 1,
    defaultAccount: names[0],
    accounts: names.map((name) => ({ name, addedAt: "", reservePercent: reserve[name] ?? null })),
  };
}

function usage(percent: number): AccountStatus {
  return {
    ...emptyAccountStatus(),
    usage: {
      primary: { usedPercent: percent, windowMinutes: 300, resetsAt: null },
      secondary: null,
      observedAt: NOW.toISOString(),
      source: "headers",
    },
  };
}

function pool(
  reg: Registry,
  statuses: Record<string, AccountStatus> = {},
  options: Partial<PoolOptions> = {},
): AccountPool {
  return new AccountPool(reg, statuses, {
    policy: { switchAtPercent: null },
    now: () => NOW,
    canLogIn: () => true,
    ...options,
  });
}

Deno.test("AccountPool.choose() keeps a conversation on its account until it is limited", () => {
  const p = pool(registry(["a", "b"]));
  const first = p.choose("s1", new Set());
  assert.deepEqual(first, { kind: "account", name: "a", moved: false, previous: null, overThreshold: false });
  p.bindSession("s1", "a", false);
  p.record("a", (s) => recordQuotaHit(s, NOW, { resetsAt: new Date(NOW.getTime() + 3600_000) }));
  const next = p.choose("s1", new Set());
  assert.deepEqual(next, { kind: "account", name: "b", moved: true, previous: "a", overThreshold: false });
  p.bindSession("s1", "b", true);
  assert.equal(p.session("s1")!.moved, true);
  assert.equal(p.session("s1")!.turnStateFrom, "b");
  const none = p.choose("s1", new Set(["b"]));
  assert.equal(none.kind, "none");
  assert.equal(none.kind === "none" && none.earliestReset?.name, "a");
});

Deno.test("AccountPool.choose() sends new conversations below --switch-at and reserves, keeps old ones", () => {
  const statuses = { a: usage(92), b: usage(10), c: usage(10) };
  const p = pool(registry(["a", "b", "c"], { b: 5 }), statuses, { policy: { switchAtPercent: 90 } });
  p.bindSession("old", "a", false);
  assert.equal((p.choose("old", new Set()) as { name: string }).name, "a");
  const fresh = p.choose("new", new Set());
  assert.equal(fresh.kind === "account" && fresh.name, "c");
  const all = pool(registry(["a"]), { a: usage(99) }, { policy: { switchAtPercent: 90 } }).choose(
    null,
    new Set(),
  );
  assert.deepEqual(all, { kind: "account", name: "a", moved: false, previous: null, overThreshold: true });
});

Deno.test("AccountPool skips accounts without a login and forgets idle conversations", () => {
  let clock = NOW;
  const p = new AccountPool(registry(["a", "b"]), {}, {
    policy: { switchAtPercent: null },
    now: () => clock,
    canLogIn: (name) => name === "b",
    sessionTtlMs: 1000,
    maxSessions: 2,
  });
  assert.equal((p.choose(null, new Set()) as { name: string }).name, "b");
  p.bindSession("s1", "b", false);
  clock = new Date(NOW.getTime() + 5000);
  p.bindSession("s2", "b", false);
  p.pruneSessions();
  assert.deepEqual([...p.sessions.keys()], ["s2"]);
  for (const id of ["s3", "s4", "s5"]) p.bindSession(id, "b", false);
  assert.ok(p.sessions.size <= 2);
  assert.deepEqual(p.accountsInUse(), ["b"]);
});

Deno.test("AccountPool.record() applies at once and hands the change on", () => {
  const changes: string[] = [];
  const p = pool(registry(["a"]), {}, { onChange: (name) => changes.push(name) });
  p.record("a", (s) => void (s.attempts += 2));
  assert.equal(p.statuses.a.attempts, 2);
  assert.deepEqual(changes, ["a"]);
});

Deno.test("poolUnavailability() covers excluded accounts and finds the earliest reset", async () => {
  const { poolUnavailability, selectionCandidates } = await import("../../src/accounts/selection.ts");
  const cooling = (ms: number) => ({
    ...emptyAccountStatus(),
    cooldownUntil: new Date(NOW.getTime() + ms).toISOString(),
  });
  const candidates = selectionCandidates(registry(["a", "b", "c"]), {
    a: cooling(7200_000),
    b: cooling(3600_000),
  }, (n) => n !== "c");
  const none = poolUnavailability(candidates, { switchAtPercent: null }, NOW);
  assert.deepEqual(none.earliestReset, { name: "b", at: new Date(NOW.getTime() + 3600_000) });
  assert.deepEqual(Object.fromEntries(Object.entries(none.reasons).map(([n, r]) => [n, r.kind])), {
    a: "cooling",
    b: "cooling",
    c: "needs-login",
  });
});
