/**
 * Component tests of the gateway's HTTP/1.1 upstream client against raw loopback servers: keep-alive reuse,
 * connections the upstream closed while pooled, answers cut short, cancellation, TLS verification, and the
 * outbound proxy (CONNECT for https, absolute-form for http, NO_PROXY).
 */

import assert from "node:assert/strict";
import { Http1Client, type Http1Request } from "../../src/gateway/http1_client.ts";
import type { ChunkReader } from "../../src/gateway/sse_relay.ts";
import { waitFor } from "../support/wait.ts";
import { chunk, type RawHandler, startRawHttpServer, writeAll } from "../support/raw_http_server.ts";

const CERT = Deno.readTextFileSync(new URL("../fixtures/tls/cert.pem", import.meta.url));
const SSE_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

const sse: RawHandler = async (_request, conn) => {
  await writeAll(
    conn,
    SSE_HEAD + chunk("event: a\ndata: {}\n\n") + chunk("event: b\ndata: {}\n\n") + "0\r\n\r\n",
  );
  return "keep-alive";
};

function call(url: string, init: Partial<Http1Request> = {}): Http1Request {
  return {
    url: new URL(url),
    method: "POST",
    headers: { accept: "text/event-stream" },
    body: new TextEncoder().encode("{}"),
    signal: new AbortController().signal,
    ...init,
  };
}

async function readAll(reader: ChunkReader): Promise<{ text: string; reads: number }> {
  let text = "";
  let reads = 0;
  const decoder = new TextDecoder();
  for (let c = await reader.read(); c !== null; c = await reader.read()) {
    text += decoder.decode(c, { stream: true });
    reads++;
  }
  return { text, reads };
}

Deno.test("Http1Client streams a chunked answer by whole reads and reuses the connection", async () => {
  await using server = startRawHttpServer(sse);
  const client = new Http1Client();
  try {
    let activity = 0;
    for (let i = 0; i < 3; i++) {
      const answer = await client.request(
        call(`${server.url}/responses?n=${i}`, { onActivity: () => activity++ }),
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("content-type"), "text/event-stream");
      const { text, reads } = await readAll(answer.body);
      assert.equal(text, "event: a\ndata: {}\n\nevent: b\ndata: {}\n\n");
      assert.ok(reads <= 2, `${reads} reads`);
    }
    assert.ok(activity >= 3);
    assert.equal(server.connections, 1);
    assert.equal(server.requests[2].target, "/responses?n=2");
    assert.equal(server.requests[0].headers.host, `127.0.0.1:${server.port}`);
    assert.equal(server.requests[0].headers["content-length"], "2");
    assert.equal(server.requests[0].headers["accept-encoding"], "identity");
    assert.equal(new TextDecoder().decode(server.requests[0].body), "{}");
  } finally {
    client.close();
  }
});

Deno.test("Http1Client drops a pooled connection the upstream closed, and resends once on a dead reused one", async () => {
  let requests = 0;
  await using server = startRawHttpServer(async (request, conn) => {
    requests++;
    if (requests === 1) {
      await writeAll(conn, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      return "close"; // closed while idle, without saying so
    }
    if (requests === 3) return "close"; // reused, then closed before answering
    await writeAll(
      conn,
      `HTTP/1.1 200 OK\r\ncontent-length: ${request.target.length}\r\n\r\n${request.target}`,
    );
    return "keep-alive";
  });
  const client = new Http1Client();
  try {
    assert.equal((await readAll((await client.request(call(`${server.url}/a`))).body)).text, "ok");
    await waitFor(() => client.openConnections === 0, { what: "the closed connection to leave the pool" });
    assert.equal((await readAll((await client.request(call(`${server.url}/b`))).body)).text, "/b");
    assert.equal((await readAll((await client.request(call(`${server.url}/c`))).body)).text, "/c");
    assert.equal(server.connections, 3);
    assert.deepEqual(server.requests.map((r) => r.target), ["/a", "/b", "/c", "/c"]);
  } finally {
    client.close();
  }
});

Deno.test("Http1Client fails an answer cut short, and a new connection closed before answering", async () => {
  await using server = startRawHttpServer(async (request, conn) => {
    if (request.target === "/silent") return "close";
    await writeAll(conn, SSE_HEAD + chunk("event: a\ndata: {}\n\n") + "40\r\npartial");
    return "close";
  });
  const client = new Http1Client();
  try {
    const answer = await client.request(call(`${server.url}/cut`));
    assert.equal(new TextDecoder().decode((await answer.body.read())!), "event: a\ndata: {}\n\npartial");
    await assert.rejects(() => answer.body.read(), /closed the connection in the middle of its answer/);
    await assert.rejects(
      () => client.request(call(`${server.url}/silent`)),
      /closed the connection before answering/,
    );
    assert.equal(client.openConnections, 0);
  } finally {
    client.close();
  }
});

Deno.test("Http1Client aborts at once: a stalled answer's read rejects with the reason and the connection closes", async () => {
  let release!: () => void;
  const stalled = new Promise<void>((r) => release = r);
  await using server = startRawHttpServer(async (_request, conn) => {
    await writeAll(conn, SSE_HEAD + chunk("event: a\ndata: {}\n\n"));
    await stalled;
    return "close";
  });
  const client = new Http1Client();
  try {
    const controller = new AbortController();
    const answer = await client.request(call(`${server.url}/responses`, { signal: controller.signal }));
    await answer.body.read();
    const pending = answer.body.read();
    controller.abort(new DOMException("upstream idle", "TimeoutError"));
    await assert.rejects(() => pending, (e: Error) => e.name === "TimeoutError");
    assert.equal(client.openConnections, 0);
    await assert.rejects(
      () => client.request(call(`${server.url}/responses`, { signal: controller.signal })),
      (e: Error) => e.name === "TimeoutError",
    );
  } finally {
    release();
    client.close();
  }
});

Deno.test("Http1Client verifies TLS certificates: an unknown issuer is refused, a trusted one served", async () => {
  await using server = startRawHttpServer(sse, { tls: true });
  const untrusting = new Http1Client();
  const trusting = new Http1Client({ caCerts: [CERT] });
  try {
    await assert.rejects(
      () => untrusting.request(call(`https://localhost:${server.port}/responses`)),
      /certificate|issuer/i,
    );
    const answer = await trusting.request(call(`https://localhost:${server.port}/responses`));
    assert.match((await readAll(answer.body)).text, /event: b/);
  } finally {
    untrusting.close();
    trusting.close();
  }
});

Deno.test("Http1Client goes through HTTPS_PROXY with CONNECT, HTTP_PROXY in absolute form, and honours NO_PROXY", async () => {
  await using origin = startRawHttpServer(sse, { tls: true });
  await using proxy = startRawHttpServer(async (request, conn) => {
    if (request.method === "CONNECT") {
      await writeAll(conn, "HTTP/1.1 200 Connection established\r\n\r\n");
      return "tunnel";
    }
    return await sse(request, conn);
  });
  await using direct = startRawHttpServer(sse);
  const proxied = `http://user%40x:p%3Ass@127.0.0.1:${proxy.port}`;
  const client = new Http1Client({
    caCerts: [CERT],
    proxy: { https: proxied, http: proxied, noProxy: ["example.com", "127.0.0.0/8"] },
  });
  const viaLocalhost = new Http1Client({ proxy: { https: null, http: proxied, noProxy: [] } });
  try {
    const tls = await client.request(call(`https://localhost:${origin.port}/responses`));
    assert.match((await readAll(tls.body)).text, /event: b/);
    assert.equal(proxy.requests[0].method, "CONNECT");
    assert.equal(proxy.requests[0].target, `localhost:${origin.port}`);
    assert.equal(proxy.requests[0].headers["proxy-authorization"], `Basic ${btoa("user@x:p:ss")}`);
    assert.equal(origin.requests[0].target, "/responses");

    const plain = await viaLocalhost.request(call(`http://localhost:${direct.port}/responses?q=1`));
    await readAll(plain.body);
    assert.equal(proxy.requests[1].target, `http://localhost:${direct.port}/responses?q=1`);
    assert.equal(proxy.requests[1].headers["proxy-authorization"], `Basic ${btoa("user@x:p:ss")}`);
    assert.equal(direct.requests.length, 0);

    const bypass = await client.request(call(`${direct.url}/responses`));
    await readAll(bypass.body);
    assert.equal(direct.requests.length, 1);
    assert.equal(proxy.requests.length, 2);

    const socks = new Http1Client({ proxy: { https: "socks5://127.0.0.1:1", http: null, noProxy: [] } });
    assert.equal(socks.canSend(new URL("https://localhost:1/")), false);
    assert.equal(client.canSend(new URL(`${direct.url}/`)), true);
  } finally {
    client.close();
    viaLocalhost.close();
  }
});

Deno.test("Http1Client skips informational answers and reads a head split across reads", async () => {
  await using server = startRawHttpServer(async (request, conn) => {
    if (request.target === "/continue") {
      await writeAll(conn, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      return "keep-alive";
    }
    await writeAll(conn, "HTTP/1.1 200 OK\r\ncontent-type: text/event-st");
    await new Promise((r) => setTimeout(r, 20));
    await writeAll(conn, "ream\r\ntransfer-encoding: chunked\r\n\r\n" + chunk("data: {}\n\n") + "0\r\n\r\n");
    return "keep-alive";
  });
  const client = new Http1Client();
  try {
    const first = await client.request(call(`${server.url}/continue`));
    assert.deepEqual([first.status, (await readAll(first.body)).text], [200, "ok"]);
    const split = await client.request(call(`${server.url}/split`));
    assert.equal(split.headers.get("content-type"), "text/event-stream");
    assert.equal((await readAll(split.body)).text, "data: {}\n\n");
    assert.equal(server.connections, 1);
  } finally {
    client.close();
  }
});
