/**
 * Component tests of streaming faults, each run through both upstream clients (the HTTP/1.1 client that
 * streamed answers take, and `fetch`) and both servers (the gateway's own HTTP/1.1 server, and `Deno.serve`
 * with `CAO_GATEWAY_SERVER=deno`) to show they give the same answers: an upstream that breaks
 * mid-stream (closed, or reset), one that stalls mid-stream, a client that reads slowly, and huge bodies in
 * both directions, through a failover too.
 */

import assert from "node:assert/strict";
import { chunk, startRawHttpServer, writeAll } from "../support/raw_http_server.ts";
import { sseEvent } from "../support/mock_payloads.ts";
import { waitFor, within } from "../support/wait.ts";
import { sseText, startHarness } from "./gateway_harness.ts";

const CLIENTS = [
  { name: "HTTP/1.1 client", streamViaFetch: false, serveViaDeno: false },
  { name: "fetch", streamViaFetch: true, serveViaDeno: false },
  { name: "Deno.serve", streamViaFetch: false, serveViaDeno: true },
];

const FIRST_EVENTS = sseEvent({ type: "response.created", response: { id: "r1" } }) +
  sseEvent({ type: "response.output_text.delta", delta: "first" });

for (const client of CLIENTS) {
  for (const how of ["closes", "resets"] as const) {
    Deno.test(`[${client.name}] an upstream that ${how} mid-stream ends the client's stream in an error and is recorded`, async () => {
      let breakNow!: () => void;
      const broken = new Promise<void>((resolve) => breakNow = resolve);
      await using upstream = startRawHttpServer(async (_request, conn) => {
        await writeAll(
          conn,
          "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n" +
            chunk(FIRST_EVENTS),
        );
        await broken;
        if (how === "closes") await writeAll(conn, '100\r\ndata: {"type":"response.output');
        return how === "resets" ? "reset" : "close";
      }, { skipBodies: how === "resets" });
      await using h = await startHarness({
        settings: { upstream: upstream.url, retries: 0 },
        streamViaFetch: client.streamViaFetch,
        serveViaDeno: client.serveViaDeno,
      });
      // A body larger than one read of the raw server: what it leaves unread makes its close a reset.
      const res = await h.respond({ session: "s1", body: { model: "m", input: "p".repeat(200_000) } });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      breakNow();
      await assert.rejects(async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      });
      assert.equal(sseText(text.slice(0, FIRST_EVENTS.length)), "first");
      await waitFor(() => h.logs.some((l) => l.includes("upstream-failed")), { what: "the log line" });
      await h.gateway.sync.flush();
      assert.equal(h.gateway.pool.statuses.a.failures, 1);
      assert.match(h.gateway.pool.statuses.a.lastError!, /the stream broke/);
      assert.equal(h.gateway.pool.statuses.a.successes, 0);
    });
  }

  Deno.test(`[${client.name}] an upstream that stalls mid-stream is cut after the idle time`, async () => {
    await using h = await startHarness({
      settings: { idleTimeoutSeconds: 0.3 },
      streamViaFetch: client.streamViaFetch,
      serveViaDeno: client.serveViaDeno,
      mock: { responses: { acct_a: { kind: "ok", deltas: 5, eventDelayMs: 60_000 } } },
    });
    const res = await h.respond({ session: "s1" });
    assert.equal(res.status, 200);
    await assert.rejects(() => within(res.text(), 20_000, "the cut"));
    await waitFor(() => h.logs.some((l) => l.includes("upstream-failed")), { what: "the log line" });
    await h.gateway.sync.flush();
    assert.match(h.gateway.pool.statuses.a.lastError!, /the stream broke \(upstream idle\)/);
    assert.equal(await within(h.mock.streams[0].finished, 20_000, "the upstream stream to end"), "aborted");
  });

  Deno.test(`[${client.name}] a client that reads slowly gets every byte of a long stream`, async () => {
    const text = "0123456789abcdef".repeat(64 * 1024); // 1 MiB of deltas
    await using h = await startHarness({
      streamViaFetch: client.streamViaFetch,
      serveViaDeno: client.serveViaDeno,
      mock: { responses: { acct_a: { kind: "ok", text, deltas: 512 } } },
    });
    const res = await h.respond({ session: "s1" });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = "";
    for (let reads = 0;; reads++) {
      const { done, value } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
      if (reads < 40) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(sseText(body), text);
    await waitFor(() => h.logs.some((l) => / POST \/responses 200 /.test(l)), { what: "the log line" });
    await h.gateway.sync.flush();
    assert.equal(h.gateway.pool.statuses.a.successes, 1);
  });

  Deno.test(`[${client.name}] huge bodies pass both ways, a 16 MiB request through a failover too`, async () => {
    const reply = "y".repeat(4 * 1024 * 1024);
    await using h = await startHarness({
      streamViaFetch: client.streamViaFetch,
      serveViaDeno: client.serveViaDeno,
      mock: {
        responses: {
          acct_a: ["ok", { kind: "usage_limit" }],
          acct_b: { kind: "ok", text: reply, deltas: 64 },
        },
      },
    });
    await (await h.respond({ session: "s1" })).text(); // the conversation starts on a
    const input = [
      { type: "reasoning", encrypted_content: "e".repeat(1024 * 1024) },
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "m".repeat(16 * 1024 * 1024) }],
      },
    ];
    const res = await h.respond({ session: "s1", body: { model: "m", input, stream: true } });
    assert.equal(res.status, 200);
    assert.equal(sseText(await res.text()), reply);
    const [, onA] = h.mock.responsesRequests("acct_a");
    const [onB] = h.mock.responsesRequests("acct_b");
    assert.equal((onA.body as { input: unknown[] }).input.length, 2);
    const moved = onB.body as { input: { type: string; content: { text: string }[] }[] };
    assert.deepEqual(moved.input.map((i) => i.type), ["message"]);
    assert.equal(moved.input[0].content[0].text.length, 16 * 1024 * 1024);
  });
}
