/**
 * Component tests of streaming: long streams pass through untouched, a client that goes away cancels the
 * upstream stream, an upstream that stays silent is given up on after the idle time, the log has one line
 * per request and no secret.
 */

import assert from "node:assert/strict";
import { okEvents } from "../support/mock_upstream.ts";
import { IdleWatch } from "../../src/gateway/idle_watch.ts";
import { type ChunkReader, directRelay, streamOf } from "../../src/gateway/sse_relay.ts";
import { sseText, startHarness, TEST_KEY } from "./gateway_harness.ts";
import { waitFor, within } from "../support/wait.ts";

Deno.test("a long stream passes through byte for byte", async () => {
  await using h = await startHarness({
    mock: { responses: { acct_a: { kind: "ok", text: "x".repeat(5000), deltas: 200 } } },
  });
  const res = await h.respond({ session: "s1" });
  const body = await res.text();
  assert.equal(sseText(body), "x".repeat(5000));
  assert.equal(body.replace(/resp_mock_\d+/g, "R"), okEvents("x".repeat(5000), "R", 200).join(""));
  await h.gateway.sync.flush();
  assert.equal(h.gateway.pool.statuses.a.successes, 1);
});

Deno.test("a client that goes away cancels the upstream stream", async () => {
  await using h = await startHarness({
    mock: { responses: { acct_a: { kind: "ok", deltas: 50, eventDelayMs: 40 } } },
  });
  const controller = new AbortController();
  const res = await h.respond({ session: "s1", signal: controller.signal });
  const reader = res.body!.getReader();
  await reader.read();
  controller.abort();
  await reader.cancel().catch(() => {});
  const [stream] = h.mock.streams;
  assert.equal(await within(stream.finished, 20_000, "the upstream stream to end"), "aborted");
  assert.ok(stream.eventsSent < 50);
  await waitFor(() => h.logs.some((l) => l.includes("client-gone")), { what: "a client-gone log line" });
  assert.ok(h.logs.some((l) => l.includes('note="client-gone"')), h.logs.join("\n"));
});

Deno.test("a client that goes away before the answer starts cancels the upstream request", async () => {
  await using h = await startHarness({ mock: { responses: { acct_a: { kind: "ok", delayMs: 300 } } } });
  const controller = new AbortController();
  const pending = h.respond({ session: "s1", signal: controller.signal }).catch((e) => e);
  await waitFor(() => h.mock.responsesRequests().length > 0, { what: "the request to reach the upstream" });
  controller.abort();
  assert.equal((await pending).name, "AbortError");
  await waitFor(() => h.logs.some((l) => l.includes(" 499 ")), { what: "a 499 log line" });
  assert.ok(h.logs.some((l) => l.includes(" 499 ")), h.logs.join("\n"));
});

Deno.test("an upstream silent for the idle time is given up on, with retries", async () => {
  await using h = await startHarness({
    settings: { idleTimeoutSeconds: 0.1, retries: 1 },
    mock: { responses: { acct_a: { kind: "ok", delayMs: 3000 } } },
  });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /^cao gateway: the upstream could not be reached \(.*idle/);
  assert.equal(h.mock.responsesRequests("acct_a").length, 2);
});

Deno.test("one log line per request, never a token, a key or a prompt", async () => {
  await using h = await startHarness();
  await (await h.respond({ session: "s1", body: { model: "m", input: "my secret prompt" } })).text();
  await (await fetch(`${h.base}/models?client_version=1`)).text();
  await (await fetch(`${h.gateway.url}/responses`, { method: "POST", body: "{}" })).text();
  await (await fetch(`${h.base}/responses`, { headers: { upgrade: "websocket", connection: "upgrade" } }))
    .text();
  await (await h.control("/status")).text();
  await (await fetch(`${h.base}/oauth/token`, {
    method: "POST",
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "rt_acct_a_refresh_secret_0" }),
  })).text();
  const lines = h.logs.filter((l) => /^\d{4}-/.test(l));
  assert.equal(lines.length, 6, lines.join("\n"));
  assert.match(lines[0], / POST \/responses 200 \d+ms account=a session=s1$/);
  assert.match(lines[1], / GET \/models 200 /);
  assert.match(lines[2], / POST \/responses 400 .*gateway key/);
  assert.match(lines[3], / GET \/responses 426 .*websocket/);
  assert.match(lines[4], / GET \/status 200 /);
  assert.match(lines[5], / POST \/oauth\/token 200 .*token refresh/);
  const all = h.logs.join("\n");
  for (const secret of [TEST_KEY, "secret prompt", "eyJ", "rt_"]) {
    assert.equal(all.includes(secret), false, secret);
  }
});

Deno.test("the idle timeout cuts a JSON answer that stalls after its headers", async () => {
  await using h = await startHarness({
    settings: { idleTimeoutSeconds: 0.2, retries: 0 },
    mock: {
      responses: {
        acct_a: { kind: "status", status: 200, body: { ok: true, pad: "x".repeat(64) }, stallMs: 4000 },
      },
    },
  });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 200);
  await assert.rejects(res.text(), "the stalled body is cut, not waited for");
  await waitFor(() => h.logs.some((l) => / POST \/responses 200 .*upstream-failed/.test(l)), {
    what: "the cut to be logged",
  });
});

Deno.test("a client that reads slowly is not cut as if the upstream were silent, nor charged for it", async () => {
  const idle = new IdleWatch(60);
  let fired = false;
  const ticket = idle.track(() => fired = true);
  const chunks = [new Uint8Array(10), new Uint8Array(10), new Uint8Array(10)];
  const reader: ChunkReader = {
    read: () => Promise.resolve(chunks.shift() ?? null),
    cancel: () => Promise.resolve(),
  };
  let ended = "";
  ticket.hold();
  const relay = streamOf(directRelay([], false, reader, {
    onWait: ticket.touch,
    onChunk: ticket.hold,
    onEnd: (how) => {
      ended = how;
      ticket.done();
    },
  }));
  const client = relay.getReader();
  assert.equal((await client.read()).value?.length, 10);
  await new Promise((resolve) => setTimeout(resolve, 400)); // the client does not ask for more for a while
  assert.equal(fired, false, "the upstream was not awaited meanwhile");
  while (!(await client.read()).done) { /* the rest */ }
  assert.equal(ended, "completed");
  idle.close();
});
