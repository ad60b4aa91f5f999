/** The gateway's notifier is loaded on its first event, and hands every call on in order. */
import assert from "node:assert/strict";
import type { NotifyEvent } from "../../src/accounts/notify_sink.ts";
import type { UsageSnapshot } from "../../src/accounts/status_store.ts";
import {
  cooldownProbeFrom,
  type FlushingSink,
  historyFlushMsFrom,
  lazyNotifier,
} from "../../src/cli/gateway_wiring.ts";

function recordingSink(calls: string[]): FlushingSink {
  return {
    emit: (event: NotifyEvent) => void calls.push(`emit ${event.kind}`),
    observeUsage: (account: string) => void calls.push(`usage ${account}`),
    flush: () => {
      calls.push("flush");
      return Promise.resolve();
    },
  };
}

const moved: NotifyEvent = { kind: "moved", from: "a", to: "b", via: "gateway", fromUntil: null };

Deno.test("lazyNotifier loads nothing until the first event, then once, and keeps the order", async () => {
  const calls: string[] = [];
  let loads = 0;
  const sink = lazyNotifier(() => {
    loads++;
    return Promise.resolve(recordingSink(calls));
  });
  await sink.flush();
  assert.equal(loads, 0);
  assert.deepEqual(calls, []);

  sink.emit(moved);
  sink.observeUsage("b", {} as UsageSnapshot);
  sink.emit({ kind: "needs-login", account: "a", reason: "refused" });
  await sink.flush();
  assert.equal(loads, 1);
  assert.deepEqual(calls, ["emit moved", "usage b", "emit needs-login", "flush"]);
});

Deno.test("lazyNotifier: a notifier that cannot load drops the events and says why, once", async () => {
  const errors: string[] = [];
  const sink = lazyNotifier(() => Promise.reject(new Error("gone")), (m) => errors.push(m));
  sink.emit(moved);
  sink.emit(moved);
  await sink.flush();
  assert.deepEqual(errors, ["cannot load the notifier: gone"]);
});

Deno.test("the gateway's probe and history pace come from the environment, with defaults", () => {
  const env = (values: Record<string, string>) => (name: string) => values[name];
  assert.equal(cooldownProbeFrom(env({})).intervalMs, 180_000);
  assert.equal(cooldownProbeFrom(env({ CAO_COOLDOWN_PROBE_SECONDS: "0" })).intervalMs, 0);
  assert.equal(cooldownProbeFrom(env({ CAO_COOLDOWN_PROBE_SECONDS: "-3" })).intervalMs, 180_000);
  assert.equal(historyFlushMsFrom(env({ CAO_HISTORY_FLUSH_SECONDS: "5" })), 5000);
  assert.equal(historyFlushMsFrom(env({ CAO_HISTORY_FLUSH_SECONDS: "x" })), 60_000);
});
