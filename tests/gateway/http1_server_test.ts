/**
 * The gateway's own HTTP/1.1 server (`src/gateway/http1_server.ts`) on a real loopback port, driven by raw
 * TCP clients: keep-alive across buffer moves, pipelining, request bodies (length, chunked, 100-continue),
 * streamed answers, bad requests, a client that goes away, shutdown.
 */

import assert from "node:assert/strict";
import { serveHttp1 } from "../../src/gateway/http1_server.ts";
import type { GatewayRequest } from "../../src/gateway/gateway_request.ts";
import { bodyText } from "../../src/gateway/request_bytes.ts";
import { waitFor } from "../support/wait.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes `text` on a new connection and reads until the server closes it. */
async function exchange(port: number, text: string | Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(typeof text === "string" ? encoder.encode(text) : text);
  let out = "";
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    out += decoder.decode(buffer.subarray(0, n));
  }
  conn.close();
  return out;
}

/** The bodies of the chunked answers in `wire`, in order. */
function chunkedBodies(wire: string): string[] {
  const bodies: string[] = [];
  let rest = wire;
  while (rest.startsWith("HTTP/1.1 ")) {
    const headEnd = rest.indexOf("\r\n\r\n");
    let at = headEnd + 4;
    let body = "";
    for (;;) {
      const lineEnd = rest.indexOf("\r\n", at);
      const size = parseInt(rest.slice(at, lineEnd), 16);
      at = lineEnd + 2;
      if (size === 0) {
        at += 2;
        break;
      }
      body += rest.slice(at, at + size);
      at += size + 2;
    }
    bodies.push(body);
    rest = rest.slice(at);
  }
  return bodies;
}

function post(path: string, body: string, extra = ""): string {
  return `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: ${
    encoder.encode(body).byteLength
  }\r\n${extra}\r\n${body}`;
}

const echo = async (request: GatewayRequest) =>
  new Response(`${request.method} ${new URL(request.url).pathname} ${await bodyText(request)}`);

Deno.test("http1 server answers many requests on one connection, split and moved in its buffer", async () => {
  const server = serveHttp1(echo, { hostname: "127.0.0.1", port: 0 });
  try {
    // 300 requests of ~330 bytes each: the read buffer fills and its unread bytes move many times, and
    // one write holds many requests (pipelining), so some heads are cut across reads.
    const requests = Array.from({ length: 300 }, (_, i) => post(`/r/${i}`, `body-${i}-${"x".repeat(250)}`));
    const wire = await exchange(
      server.port,
      requests.join("") + "GET /last HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    const bodies = chunkedBodies(wire);
    assert.equal(bodies.length, 301);
    for (let i = 0; i < 300; i++) assert.equal(bodies[i], `POST /r/${i} body-${i}-${"x".repeat(250)}`);
    assert.equal(bodies[300], "GET /last ");
  } finally {
    await server.shutdown();
  }
});

Deno.test("http1 server finds a request head cut where its buffer moves the unread bytes", async () => {
  const server = serveHttp1(echo, { hostname: "127.0.0.1", port: 0 });
  try {
    // B's head (3.5 KB of fields) arrives in three parts: after A, then up to near the end of the 4 KiB
    // read buffer, then its end, which is read after the buffer moved B's start to the front.
    const a = post("/a", "small");
    const b = `POST /b HTTP/1.1\r\nhost: x\r\nx-pad: ${"p".repeat(3_500)}\r\ncontent-length: 2\r\n` +
      "connection: close\r\n\r\nhi";
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    for (const part of [a + b.slice(0, 100), b.slice(100, 3_300), b.slice(3_300)]) {
      await conn.write(encoder.encode(part));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    let wire = "";
    const buffer = new Uint8Array(64 * 1024);
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      wire += decoder.decode(buffer.subarray(0, n));
    }
    conn.close();
    assert.deepEqual(chunkedBodies(wire), ["POST /a small", "POST /b hi"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http1 server reads chunked bodies and answers Expect: 100-continue first", async () => {
  const server = serveHttp1(echo, { hostname: "127.0.0.1", port: 0 });
  try {
    const chunked = await exchange(
      server.port,
      "POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n" +
        "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\ntrailer: t\r\n\r\n",
    );
    assert.deepEqual(chunkedBodies(chunked), ["POST /c hello world"]);
    const continued = await exchange(
      server.port,
      post("/e", "later", "expect: 100-continue\r\nconnection: close\r\n"),
    );
    assert.match(continued, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.deepEqual(chunkedBodies(continued.slice(continued.indexOf("HTTP/1.1 200"))), ["POST /e later"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http1 server refuses bad requests with their status and closes the connection", async () => {
  const server = serveHttp1(echo, { hostname: "127.0.0.1", port: 0 });
  try {
    for (
      const [wire, status] of [
        ["NONSENSE\r\n\r\n", 400],
        ["GET / HTTP/1.1\r\n\r\n", 400], // no host
        ["POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n", 400],
        ["POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip\r\n\r\n", 501],
        ["GET / HTTP/2.0\r\nhost: x\r\n\r\n", 505],
        [`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(70 * 1024)}\r\n\r\n`, 431],
        ["GET / HTTP/1.1\r\nhost: x\r\nx-bad: a\0b\r\n\r\n", 400], // a value a Request refuses
        ["GET / HTTP/1.1\r\nhost: x\r\nx-bad: a\nb\r\n\r\n", 400],
        ["GET http://[::1/ HTTP/1.1\r\nhost: x\r\n\r\n", 400], // a target no URL can be made of
        ["GET /a HTTP/1.1\r\nhost: [::1\r\n\r\n", 400],
      ] as const
    ) {
      const answer = await exchange(server.port, wire);
      assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), wire.slice(0, 60));
      assert.match(answer, /\r\nconnection: close\r\n/);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("http1 server: HEAD has no body, HTTP/1.0 gets the body until close", async () => {
  const server = serveHttp1(() => Promise.resolve(new Response("payload")), {
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    const head = await exchange(server.port, "HEAD / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(head.endsWith("\r\n\r\n"), head);
    const old = await exchange(server.port, "GET / HTTP/1.0\r\n\r\n");
    assert.match(old, /\r\nconnection: close\r\n/);
    assert.ok(old.endsWith("\r\n\r\npayload"), old);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http1 server: a client that closes its connection aborts the request and cancels the answer", async () => {
  let aborted = false;
  let cancelled = false;
  const server = serveHttp1(
    (request) => {
      request.signal.addEventListener("abort", () => aborted = true);
      let n = 0;
      return Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            async pull(controller) {
              await new Promise((resolve) => setTimeout(resolve, 10));
              controller.enqueue(encoder.encode(`data: ${n++}\n\n`));
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
      );
    },
    { hostname: "127.0.0.1", port: 0 },
  );
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(encoder.encode("GET /events HTTP/1.1\r\nhost: x\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    const n = await conn.read(buffer);
    assert.match(decoder.decode(buffer.subarray(0, n!)), /transfer-encoding: chunked\r\n[\s\S]*data: 0/);
    conn.close();
    await waitFor(() => aborted && cancelled, { what: "the request to be aborted and its answer cancelled" });
  } finally {
    await server.shutdown();
  }
});

/**
 * `serveHttp1` on a port below the ephemeral range (Linux: 32768 and up), so that once it is freed no server
 * of a parallel test, all on port 0, takes it at once.
 */
function serveOnOwnPort(handler: Parameters<typeof serveHttp1>[0]): ReturnType<typeof serveHttp1> {
  for (let tries = 0;; tries++) {
    try {
      return serveHttp1(handler, { hostname: "127.0.0.1", port: 20000 + Math.floor(Math.random() * 10000) });
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse) || tries > 20) throw error;
    }
  }
}

Deno.test("http1 server: shutdown closes idle connections and lets a running answer finish", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const server = serveOnOwnPort(async (request) => {
    if (new URL(request.url).pathname === "/slow") await held;
    return new Response("done");
  });
  const idle = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const slow = exchange(server.port, "GET /slow HTTP/1.1\r\nhost: x\r\n\r\n");
  await new Promise((resolve) => setTimeout(resolve, 50));
  const stopped = server.shutdown();
  assert.equal(await idle.read(new Uint8Array(16)).catch(() => null), null);
  idle.close();
  release();
  await stopped;
  const answer = await slow;
  assert.deepEqual(chunkedBodies(answer), ["done"]);
  assert.match(answer, /\r\nconnection: close\r\n/);
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: server.port }));
});
