/**
 * The gateway's cooldown healer against the mock's usage endpoint: a cooldown until a reset hours away is
 * cleared by the first probe after the endpoint shows room, and not before; the probe pace holds under 50
 * concurrent requests.
 */

import assert from "node:assert/strict";
import { startHarness } from "./gateway_harness.ts";
import { waitFor } from "../support/wait.ts";
import { loadStatusFile } from "../../src/accounts/status_store.ts";
import type { NotifyEvent } from "../../src/accounts/notify_sink.ts";

const hoursAway = () => Math.floor(Date.now() / 1000) + 3 * 3600;
const limited = (resetAt: number) => ({
  kind: "ok" as const,
  primary: { usedPercent: 100, limitWindowSeconds: 18000, resetAt },
});
const room = (resetAt: number) => ({
  kind: "ok" as const,
  primary: { usedPercent: 12, limitWindowSeconds: 18000, resetAt },
});

Deno.test("the gateway heals a cooldown once the usage endpoint shows room, and not before", async () => {
  const resetsAt = hoursAway();
  const events: NotifyEvent[] = [];
  await using h = await startHarness({
    mock: {
      responses: { acct_a: { kind: "usage_limit", resetsAt }, acct_b: "ok" },
      usage: { acct_a: limited(resetsAt) },
    },
    cooldownProbe: { intervalMs: 100, tickMs: 10 },
    notify: { emit: (e) => events.push(e), observeUsage: () => {} },
  });
  const probesOf = () =>
    h.mock.requests.filter((r) => r.path.endsWith("/wham/usage") && r.accountId === "acct_a");
  const first = await h.respond({ session: "s1" });
  assert.equal(first.status, 200);
  await first.body?.cancel();
  assert.ok(h.gateway.pool.statuses.a.cooldownUntil, "a cools down after its limit");

  await waitFor(() => probesOf().length >= 3, { what: "three probes of a", timeoutMs: 20_000 });
  assert.equal(
    h.gateway.pool.statuses.a.cooldownUntil,
    new Date(resetsAt * 1000).toISOString(),
    "still cooling while the endpoint says the limit is reached",
  );
  assert.equal(
    h.mock.requests.filter((r) => r.path.endsWith("/wham/usage") && r.accountId === "acct_b").length,
    0,
    "an account that is not cooling is never probed",
  );

  const before = h.mock.requests.length;
  h.mock.setUsage("acct_a", room(resetsAt));
  await waitFor(() => h.gateway.pool.statuses.a.cooldownUntil === null, {
    what: "the cooldown to heal",
    timeoutMs: 20_000,
  });
  const after = h.mock.requests.slice(before).filter((r) => r.path.endsWith("/wham/usage"));
  assert.equal(after.length, 1, "the first probe after the endpoint showed room cleared it");
  assert.equal(h.gateway.pool.statuses.a.cooldownCleared?.why, "usage-room");
  assert.match(h.gateway.pool.statuses.a.cooldownCleared?.by ?? "", /^gateway \(pid \d+\)$/);
  assert.deepEqual(events.filter((e) => e.kind === "usable-again"), [
    { kind: "usable-again", account: "a", why: "usage-room", until: resetsAt },
  ]);
  assert.deepEqual(
    events.filter((e) => e.kind === "moved").map((e) => e.kind === "moved" && [e.from, e.to]),
    [
      ["a", "b"],
    ],
  );

  await h.gateway.sync.flush();
  const onDisk = (await loadStatusFile(h.home)).accounts.a;
  assert.equal(onDisk.cooldownUntil, null);
  assert.equal(onDisk.cooldownCleared?.why, "usage-room");
  assert.equal(onDisk.usage?.source, "usage-endpoint");
});

Deno.test("the probe pace holds under 50 concurrent requests while every account is limited", async () => {
  const resetsAt = hoursAway();
  const events: NotifyEvent[] = [];
  await using h = await startHarness({
    mock: {
      responses: { "*": { kind: "usage_limit", resetsAt } },
      usage: { "*": limited(resetsAt) },
    },
    cooldownProbe: { intervalMs: 600_000, tickMs: 600_000 },
    notify: { emit: (e) => events.push(e), observeUsage: () => {} },
  });
  const first = await h.respond({ session: "s0" });
  assert.equal(first.status, 429);
  await first.text();
  await waitFor(() => h.gateway.healer!.probes >= 2, { what: "a probe of each account", timeoutMs: 20_000 });
  const answers = await Promise.all(
    Array.from(
      { length: 50 },
      (_, i) => h.respond({ session: `s${i + 1}` }).then(async (r) => (await r.text(), r.status)),
    ),
  );
  assert.deepEqual(new Set(answers), new Set([429]));
  await h.gateway.healer!.tick();
  const usage = h.mock.requests.filter((r) => r.path.endsWith("/wham/usage"));
  assert.deepEqual(usage.map((r) => r.accountId).sort(), ["acct_a", "acct_b"], "one probe per account");
  assert.equal(h.mock.responsesRequests().length, 2, "no inference request while every account cools down");
  assert.ok(events.some((e) => e.kind === "all-limited"));
});
