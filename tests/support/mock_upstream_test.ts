/**
 * @module
 * Tests of the loopback mock upstream: its routes with plain fetch, and its contract with the real
 * Codex CLI 0.169 (exec answered, usage limit recorded in the rollout, token refresh rotated).
 */

import assert from "node:assert/strict";
import { zstdCompressSync } from "node:zlib";
import { runCodex } from "./codex_bin.ts";
import {
  codexArgsForMock,
  findRollouts,
  lastTaskComplete,
  makeCodexHome,
  readRollout,
  rolloutEvents,
} from "./codex_home.ts";
import { startMockUpstream } from "./mock_upstream.ts";

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  return text.split("\n\n").filter((block) => block.trim() !== "").map((block) => {
    const lines = block.split("\n");
    const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "";
    const data = JSON.parse(lines.find((l) => l.startsWith("data: "))?.slice(6) ?? "{}");
    return { event, data };
  });
}

function postResponses(url: string, accountId?: string, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (accountId) headers["chatgpt-account-id"] = accountId;
  return fetch(`${url}/responses`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "m" }),
    ...init,
  });
}

Deno.test("startMockUpstream() answers GET /models with an empty list", async () => {
  await using mock = await startMockUpstream();
  const res = await fetch(`${mock.url}/models?client_version=0.169.0`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { models: [] });
  assert.equal(mock.requests[0].query, "?client_version=0.169.0");
  assert.equal(mock.requests[0].answer, "models");
});

Deno.test("startMockUpstream() answers 426 to WebSocket upgrades", async () => {
  await using mock = await startMockUpstream();
  using conn = await Deno.connect({ hostname: "127.0.0.1", port: mock.port });
  const request = [
    "GET /backend-api/codex/responses HTTP/1.1",
    `Host: 127.0.0.1:${mock.port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(request));
  const buffer = new Uint8Array(1024);
  const n = await conn.read(buffer);
  assert.match(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), /^HTTP\/1\.1 426 /);
  assert.equal(mock.requests[0].answer, "websocket_426");
});

Deno.test("startMockUpstream() streams an ok answer in the Responses SSE format", async () => {
  await using mock = await startMockUpstream({
    responses: { acct_a: { kind: "ok", rateLimits: { primary: { usedPercent: 12.5, windowMinutes: 300 } } } },
  });
  const res = await postResponses(mock.url, "acct_a");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  assert.equal(res.headers.get("x-codex-primary-used-percent"), "12.5");
  assert.equal(res.headers.get("x-codex-primary-window-minutes"), "300");
  const events = parseSse(await res.text());
  assert.deepEqual(events.map((e) => e.event), [
    "response.created",
    "response.output_item.added",
    "response.output_text.delta",
    "response.output_item.done",
    "response.completed",
  ]);
  assert.ok(events.every((e) => e.data.type === e.event));
  const item = events[3].data.item as { content: { text: string }[] };
  assert.equal(item.content[0].text, "hello from acct_a");
  assert.equal(mock.streams[0].state, "completed");
  assert.equal(await mock.requests[0].delivered, true);
});

Deno.test("startMockUpstream() decodes zstd request bodies", async () => {
  await using mock = await startMockUpstream();
  const body = new Uint8Array(zstdCompressSync(JSON.stringify({ model: "gpt-x", input: [] })));
  const res = await fetch(`${mock.url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", "content-encoding": "zstd", "session-id": "s1" },
    body,
  });
  await res.body?.cancel();
  const [recorded] = mock.responsesRequests();
  assert.deepEqual(recorded.body, { model: "gpt-x", input: [] });
  assert.equal(recorded.headers["content-encoding"], "zstd");
  assert.equal(recorded.headers["session-id"], "s1");
  assert.equal(recorded.accountId, null);
});

Deno.test("startMockUpstream() plays a per-account queue whose last entry repeats", async (t) => {
  await using mock = await startMockUpstream({
    responses: {
      acct_a: [{ kind: "usage_limit", resetsAt: 1795300000, planType: "pro" }, { kind: "ok", text: "back" }],
      "*": { kind: "status", status: 500, body: { error: { message: "boom" } } },
    },
  });
  await t.step("first call: 429 usage_limit_reached with rate-limit headers", async () => {
    const res = await postResponses(mock.url, "acct_a");
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("x-codex-primary-used-percent"), "100");
    assert.equal(res.headers.get("x-codex-primary-reset-at"), "1795300000");
    const body = await res.json();
    assert.equal(body.error.type, "usage_limit_reached");
    assert.equal(body.error.plan_type, "pro");
    assert.equal(body.error.resets_at, 1795300000);
  });
  await t.step("later calls repeat the last entry", async () => {
    for (let i = 0; i < 2; i++) {
      const events = parseSse(await (await postResponses(mock.url, "acct_a")).text());
      assert.equal((events[3].data.item as { content: { text: string }[] }).content[0].text, "back");
    }
  });
  await t.step("other accounts get the default", async () => {
    const res = await postResponses(mock.url, "acct_b");
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { message: "boom" } });
  });
  await t.step("setResponses() replaces a queue and restarts it", async () => {
    mock.setResponses("acct_b", { kind: "stream_failed", code: "insufficient_quota" });
    const res = await postResponses(mock.url, "acct_b");
    assert.equal(res.status, 200);
    const events = parseSse(await res.text());
    assert.deepEqual(events.map((e) => e.event), ["response.created", "response.failed"]);
    const response = events[1].data.response as { error: { code: string } };
    assert.equal(response.error.code, "insufficient_quota");
  });
  assert.deepEqual(mock.responsesRequests("acct_a").map((r) => r.answer), ["usage_limit", "ok", "ok"]);
  assert.equal(mock.responsesRequests().length, 5);
});

Deno.test("startMockUpstream() splits the text into paced deltas", async () => {
  await using mock = await startMockUpstream({
    responses: { "*": { kind: "ok", text: "abcdef", deltas: 3, eventDelayMs: 1, delayMs: 1 } },
  });
  const events = parseSse(await (await postResponses(mock.url)).text());
  const deltas = events.filter((e) => e.event === "response.output_text.delta").map((e) => e.data.delta);
  assert.deepEqual(deltas, ["ab", "cd", "ef"]);
  assert.equal(mock.streams[0].eventsSent, 7);
});

Deno.test("startMockUpstream() records a client that aborts a slow stream", async () => {
  await using mock = await startMockUpstream({
    responses: { "*": { kind: "ok", deltas: 1000, eventDelayMs: 20 } },
  });
  const res = await postResponses(mock.url, "acct_a");
  const reader = res.body!.getReader();
  let seen = "";
  while (!seen.includes("response.output_text.delta")) {
    const { value } = await reader.read();
    seen += new TextDecoder().decode(value);
  }
  await reader.cancel();
  assert.equal(await mock.streams[0].finished, "aborted");
  assert.equal(mock.streams[0].state, "aborted");
  assert.ok(mock.streams[0].eventsSent < 1004);
  assert.equal(await mock.requests[0].delivered, false);
});

Deno.test("startMockUpstream() close() interrupts open streams", async () => {
  const mock = await startMockUpstream({
    responses: { "*": { kind: "ok", deltas: 1000, eventDelayMs: 50 } },
  });
  const res = await postResponses(mock.url);
  const reader = res.body!.getReader();
  await reader.read();
  const closed = mock.close();
  assert.equal(await mock.streams[0].finished, "interrupted");
  // Drain what is left; the mock ends the body early.
  try {
    while (!(await reader.read()).done) { /* drain */ }
  } catch { /* a cut connection is fine too */ }
  await closed;
});

Deno.test("startMockUpstream() answers accounts/check and a programmable wham/usage", async () => {
  await using mock = await startMockUpstream({
    usage: { acct_b: { kind: "status", status: 401, body: { detail: "expired" } } },
  });
  const get = (path: string, accountId: string) =>
    fetch(`${mock.url}${path}`, { headers: { "chatgpt-account-id": accountId } });

  const check = await (await get("/backend-api/wham/accounts/check", "acct_a")).json();
  assert.equal(check.default_account_id, "acct_a");
  assert.equal(check.accounts[0].account_routing_override, "NO_CONSTRAINT");
  assert.equal(check.accounts[0].workspace_backend_origin, "https://chatgpt.com");

  const usage = await (await get("/backend-api/wham/usage", "acct_a")).json();
  assert.equal(usage.plan_type, "plus");
  assert.equal(usage.rate_limit.limit_reached, false);
  assert.equal(usage.rate_limit.primary_window.limit_window_seconds, 18000);
  assert.equal(usage.rate_limit.secondary_window.limit_window_seconds, 604800);

  const denied = await get("/backend-api/wham/usage", "acct_b");
  assert.equal(denied.status, 401);
  await denied.body?.cancel();

  mock.setUsage("acct_a", {
    kind: "ok",
    planType: "pro",
    primary: { usedPercent: 100, limitWindowSeconds: 18000, resetAt: 1795300000 },
    secondary: null,
  });
  const full = await (await get("/backend-api/wham/usage", "acct_a")).json();
  assert.equal(full.plan_type, "pro");
  assert.equal(full.rate_limit.limit_reached, true);
  assert.equal(full.rate_limit.allowed, false);
  assert.equal(full.rate_limit.primary_window.used_percent, 100);
  assert.equal(full.rate_limit.primary_window.reset_at, 1795300000);
  assert.equal(full.rate_limit.secondary_window, null);
});

Deno.test("startMockUpstream() rotates refresh tokens and can answer refresh_token_reused", async () => {
  await using mock = await startMockUpstream();
  const refresh = (token: string) =>
    fetch(`${mock.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: token }),
    });
  const first = await (await refresh("rt_acct_a_refresh_secret_0")).json();
  assert.equal(first.refresh_token, "rt_acct_a_refresh_secret_0_gen1");
  const claims = JSON.parse(atob(first.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  assert.equal(claims["https://api.openai.com/auth"].chatgpt_account_id, "acct_a");
  const second = await (await refresh(first.refresh_token)).json();
  assert.equal(second.refresh_token, "rt_acct_a_refresh_secret_0_gen2");

  mock.setRefresh({ kind: "reused" });
  const reused = await refresh(second.refresh_token);
  assert.equal(reused.status, 401);
  assert.equal((await reused.json()).error.code, "refresh_token_reused");
  assert.equal(mock.refreshCalls, 3);
});

Deno.test("startMockUpstream() answers 404 to anything else", async () => {
  await using mock = await startMockUpstream();
  const res = await fetch(`${mock.url}/backend-api/wham/settings/user`);
  assert.equal(res.status, 404);
  await res.body?.cancel();
  assert.equal(mock.requests[0].answer, "not_found");
});

Deno.test("startMockUpstream() serves the real codex exec an answer it prints", async () => {
  await using mock = await startMockUpstream({ responses: { acct_a: { kind: "ok", deltas: 4 } } });
  await using home = await makeCodexHome({ auth: { accountId: "acct_a" } });
  const run = await runCodex(
    ["exec", ...codexArgsForMock(mock.url), "--skip-git-repo-check", "say hi"],
    { env: home.env(mock.url), cwd: home.workdir },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /hello from acct_a/);
  // One WebSocket attempt answered 426, then a single zstd POST the mock could decode.
  assert.equal(mock.requests.filter((r) => r.answer === "websocket_426").length, 1);
  const posts = mock.responsesRequests("acct_a");
  assert.equal(posts.length, 1);
  assert.equal(posts[0].headers["content-encoding"], "zstd");
  assert.equal((posts[0].body as { stream?: boolean }).stream, true);
  assert.ok(posts[0].headers["session-id"]);
  assert.equal(posts[0].headers.authorization?.startsWith("Bearer "), true);
  const done = await lastTaskComplete(home.home);
  assert.equal(done?.last_agent_message, "hello from acct_a");
  assert.equal(done?.error, undefined);
});

Deno.test("startMockUpstream() usage_limit makes the real codex exit 1 with usage_limit_exceeded", async () => {
  const resetsAt = Math.floor(Date.now() / 1000) + 7200;
  await using mock = await startMockUpstream({
    responses: { acct_a: { kind: "usage_limit", resetsAt, planType: "plus" } },
  });
  await using home = await makeCodexHome({ auth: { accountId: "acct_a" } });
  const run = await runCodex(
    ["exec", ...codexArgsForMock(mock.url), "--skip-git-repo-check", "say hi"],
    { env: home.env(mock.url), cwd: home.workdir },
  );
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /You’ve hit your usage limit/);
  assert.equal(mock.responsesRequests().length, 1);
  const rollouts = await findRollouts(home.home);
  assert.equal(rollouts.length, 1);
  const lines = await readRollout(rollouts[0]);
  const done = rolloutEvents(lines, "task_complete").at(-1);
  assert.equal((done?.error as { codex_error_info?: unknown }).codex_error_info, "usage_limit_exceeded");
  const limits = rolloutEvents(lines, "token_count").at(-1)?.rate_limits as {
    primary: { used_percent: number; resets_at: number };
  };
  assert.equal(limits.primary.used_percent, 100);
  assert.equal(limits.primary.resets_at, resetsAt);
});

Deno.test("startMockUpstream() refreshes the real codex's expiring token with a rotated one", async () => {
  await using mock = await startMockUpstream();
  await using home = await makeCodexHome({
    auth: { accountId: "acct_r", exp: Math.floor(Date.now() / 1000) + 60 },
  });
  const run = await runCodex(
    ["exec", ...codexArgsForMock(mock.url), "--skip-git-repo-check", "say hi"],
    { env: home.env(mock.url), cwd: home.workdir },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(mock.refreshCalls, 1);
  const [refresh] = mock.requests.filter((r) => r.path === "/oauth/token");
  assert.equal((refresh.body as { refresh_reason?: string }).refresh_reason, "proactive_expiry");
  const auth = JSON.parse(await Deno.readTextFile(`${home.home}/auth.json`));
  assert.equal(auth.tokens.refresh_token, "rt_acct_r_refresh_secret_0_gen1");
});
