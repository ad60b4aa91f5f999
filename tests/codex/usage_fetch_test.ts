/**
 * @module
 * Component tests of `fetchUsageAnswer()` against a real loopback server: the request it makes and each
 * outcome (an answer, 401, another status, not JSON, no rate_limit, no answer in time, nothing listening).
 */

import assert from "node:assert/strict";
import { fetchUsageAnswer, type UsageFetchRequest } from "../../src/codex/usage_fetch.ts";

const NOW = new Date("2026-11-21T14:00:00Z");

const USAGE = {
  plan_type: "plus",
  rate_limit: {
    limit_reached: false,
    primary_window: { used_percent: 12, limit_window_seconds: 18000, reset_at: 1795356000 },
  },
};

Deno.test("fetchUsageAnswer() sends the token and account id, and tells each outcome apart", async () => {
  const seen: Headers[] = [];
  const never = Promise.withResolvers<void>();
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    seen.push(request.headers);
    const path = new URL(request.url).pathname;
    if (path === "/ok") return Response.json(USAGE);
    if (path === "/401") return new Response("no", { status: 401 });
    if (path === "/500") return new Response("down", { status: 500 });
    if (path === "/html") return new Response("<html>", { status: 200 });
    if (path === "/empty") return Response.json({ plan_type: "plus" });
    await never.promise;
    return new Response(null);
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const ask = (path: string, more: Partial<UsageFetchRequest> = {}) =>
    fetchUsageAnswer({
      fetch,
      url: `${base}${path}`,
      accessToken: "tok-1",
      accountId: "acct-1",
      userAgent: "cao/test",
      accept: "*/*",
      timeoutMs: 5000,
      now: () => NOW,
      ...more,
    });

  const ok = await ask("/ok");
  assert.equal(ok.kind, "ok");
  assert.equal(ok.kind === "ok" && ok.answer.usage.primary?.usedPercent, 12);
  assert.equal(seen[0].get("authorization"), "Bearer tok-1");
  assert.equal(seen[0].get("chatgpt-account-id"), "acct-1");
  assert.equal(seen[0].get("user-agent"), "cao/test");
  await ask("/ok", { accountId: null, accept: "application/json" });
  assert.equal(seen[1].get("chatgpt-account-id"), null);
  assert.equal(seen[1].get("accept"), "application/json");

  assert.deepEqual(await ask("/401"), { kind: "unauthorized" });
  assert.deepEqual(await ask("/500"), { kind: "failed", reason: "the usage endpoint answered 500" });
  assert.deepEqual(await ask("/html"), {
    kind: "failed",
    reason: "the usage endpoint answered with something other than JSON",
  });
  assert.deepEqual(await ask("/empty"), { kind: "failed", reason: "the usage answer had no rate_limit" });
  assert.deepEqual(await ask("/hang", { timeoutMs: 50 }), { kind: "timeout" });
  never.resolve();
});

Deno.test("fetchUsageAnswer() says it cannot reach an endpoint where nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const fetched = await fetchUsageAnswer({
    fetch,
    url: `http://127.0.0.1:${port}/usage`,
    accessToken: "tok-1",
    accountId: null,
    userAgent: "cao/test",
    accept: "*/*",
    timeoutMs: 5000,
    now: () => NOW,
  });
  assert.equal(fetched.kind, "failed");
  assert.match(fetched.kind === "failed" ? fetched.reason : "", /^cannot reach the usage endpoint \(/);
});
