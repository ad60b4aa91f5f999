/**
 * Component tests: the gateway handler against the loopback mock upstream, on a real port.
 */

import assert from "node:assert/strict";
import { loadStatusFile } from "../../src/accounts/status_store.ts";
import { gatewayBaseUrl } from "../../src/gateway/address.ts";
import { leaseRunKey } from "../../src/gateway/client.ts";
import { sseText, startHarness, TEST_CONTROL_KEY, TEST_KEY } from "./gateway_harness.ts";
import { waitFor, within } from "../support/wait.ts";

Deno.test("gateway forwards a request with the chosen account's identity and streams the answer", async () => {
  await using h = await startHarness();
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  assert.equal(sseText(await res.text()), "hello from acct_a");
  const [seen] = h.mock.responsesRequests();
  assert.equal(seen.accountId, "acct_a");
  assert.match(seen.headers.authorization, /^Bearer eyJ/);
  assert.notEqual(seen.headers.authorization, "Bearer caller-token-must-not-pass");
  assert.equal(seen.path, "/responses");
  assert.equal(seen.headers["session-id"], "s1");
  assert.equal(seen.headers["x-cao-gateway-key"], undefined);
});

Deno.test("gateway writes each status change with the time it happened, not the time of the write", async () => {
  await using h = await startHarness({ flushDelayMs: 400 });
  const before = new Date().toISOString();
  const res = await h.respond({ session: "s1" });
  assert.equal(sseText(await res.text()), "hello from acct_a");
  await waitFor(() => h.gateway.pool.statuses.a?.successes === 1, { what: "the answer to be recorded" });
  const after = new Date().toISOString();
  await waitFor(async () => (await loadStatusFile(h.home)).accounts.a?.successes === 1, {
    what: "the status file to be written",
  });
  const written = (await loadStatusFile(h.home)).accounts.a;
  for (const at of [written.lastAttemptAt, written.lastSuccessAt]) {
    assert.ok(at !== null && at >= before && at <= after, `${at} is not within ${before} … ${after}`);
  }
});

Deno.test("gateway refuses a request without the key (400 Codex shows at once, 403 on control paths), forwards nothing", async () => {
  await using h = await startHarness();
  for (
    const [url, status] of [
      [`${h.gateway.url}/responses`, 400],
      [`${h.gateway.url}/k/wrong-key/responses`, 400],
      [`${h.gateway.url}/status`, 403],
    ] as const
  ) {
    const res = await fetch(url, {
      method: url.endsWith("status") ? "GET" : "POST",
      body: url.endsWith("status") ? undefined : "{}",
    });
    assert.equal(res.status, status, url);
    const text = await res.text();
    if (status === 400) {
      assert.match(text, /^cao gateway: this request lacks a valid gateway key; run "cao gateway enable"/);
      assert.equal(res.headers.get("x-cao-gateway-error"), "forbidden");
    }
  }
  assert.equal(h.mock.requests.length, 0);
  const health = await fetch(`${h.gateway.url}/health`);
  assert.equal(health.status, 200);
  assert.equal((await health.json()).service, "cao-gateway");
  const header = await h.control("/status");
  assert.equal(header.status, 200);
  await header.body?.cancel();
});

Deno.test("gateway answers health checks without a log line each (cao status and cao run poll it)", async () => {
  await using h = await startHarness();
  for (let i = 0; i < 5; i++) {
    const health = await fetch(`${h.gateway.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  }
  const res = await h.respond({ session: "s1" });
  await res.text();
  await waitFor(() => h.logs.some((l) => l.includes("/responses")), { what: "the request's log line" });
  assert.deepEqual(h.logs.filter((l) => l.includes("/health")), []);
});

Deno.test("gateway answers WebSocket upgrades with 426", async () => {
  await using h = await startHarness();
  const res = await fetch(`${h.base}/responses`, {
    headers: { upgrade: "websocket", connection: "upgrade" },
  });
  assert.equal(res.status, 426);
  await res.body?.cancel();
  assert.equal(h.mock.requests.length, 0);
});

Deno.test("gateway replays a usage-limited request on the next account and records the cooldown", async () => {
  const resetsAt = Math.floor(Date.now() / 1000) + 7200;
  await using h = await startHarness({ mock: { responses: { acct_a: { kind: "usage_limit", resetsAt } } } });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 200);
  assert.equal(sseText(await res.text()), "hello from acct_b");
  assert.deepEqual(h.mock.responsesRequests().map((r) => r.accountId), ["acct_a", "acct_b"]);
  await h.gateway.sync.flush();
  const status = (await loadStatusFile(h.home)).accounts;
  assert.equal(status.a.cooldownUntil, new Date(resetsAt * 1000).toISOString());
  assert.ok(h.logs.some((l) => l.includes("switch=a->b")), h.logs.join("\n"));
});

Deno.test("gateway honours a per-run key only while the run that asked for it holds it", async () => {
  await using h = await startHarness();
  const lease = await leaseRunKey(fetch, h.gateway.url, TEST_CONTROL_KEY);
  assert.ok(lease);
  assert.match(lease.key, /^sk-cao-gw-run-[A-Za-z0-9_-]{20,}$/);
  assert.notEqual(lease.key, TEST_KEY);
  const models = await fetch(`${h.gateway.url}/k/${lease.key}/models`);
  assert.equal(models.status, 200);
  await models.body?.cancel();
  const res = await fetch(`${gatewayBaseUrl(h.gateway.url, lease.key)}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", "session-id": "s1" },
    body: JSON.stringify({ model: "m", input: [], stream: true }),
  });
  assert.equal(sseText(await res.text()), "hello from acct_a");
  for (const path of ["run-key", "shutdown", "status"]) {
    const refused: Response = await fetch(`${h.gateway.url}/k/${lease.key}/${path}`, {
      method: path === "status" ? "GET" : "POST",
    });
    assert.equal(refused.status, 403, `a per-run key may not ${path}`);
    await refused.body?.cancel();
  }
  assert.equal(await leaseRunKey(fetch, h.gateway.url, "sk-cao-gw-wrong-key-0000000"), null);
  assert.equal(await leaseRunKey(fetch, h.gateway.url, TEST_KEY), null, "the proxy key hands out no run key");
  assert.equal(h.gateway.runKeys.size, 1);
  await lease.release();
  await waitFor(() => h.gateway.runKeys.size === 0, { what: "the gateway to notice the run went away" });
  const after = await fetch(`${h.gateway.url}/k/${lease.key}/models`);
  assert.equal(after.status, 400);
  await after.body?.cancel();
  // A run still holding its key when the gateway stops does not keep the gateway from stopping.
  await using held = await leaseRunKey(fetch, h.gateway.url, TEST_CONTROL_KEY);
  assert.ok(held);
  await within(h.gateway.close(), 5000, "the gateway to stop with a per-run key held");
  assert.equal(h.gateway.runKeys.size, 0);
});
