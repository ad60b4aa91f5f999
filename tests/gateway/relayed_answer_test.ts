/**
 * A relayed answer goes out whole both ways it can: the gateway's own server writes it from the relay
 * itself (status, fields, the sniffed chunks, then the rest), and `webAnswer()` makes the same `Response`
 * for `Deno.serve`; a HEAD request or a client that goes away ends the relay as "client-gone".
 */

import assert from "node:assert/strict";
import { serveHttp1 } from "../../src/gateway/http1_server.ts";
import { RelayedAnswer, webAnswer } from "../../src/gateway/relayed_answer.ts";
import { type ChunkReader, directRelay, type RelayEnd } from "../../src/gateway/sse_relay.ts";
import { waitFor, within } from "../support/wait.ts";

const encoder = new TextEncoder();

function answerOf(rest: string[], ends: RelayEnd[]): RelayedAnswer {
  const queue = rest.map((text) => encoder.encode(text));
  const reader: ChunkReader = {
    read: () => Promise.resolve(queue.shift() ?? null),
    cancel: () => Promise.resolve(),
  };
  const relay = directRelay([encoder.encode("first ")], false, reader, {
    onChunk: () => {},
    onEnd: (end) => void ends.push(end),
  });
  return new RelayedAnswer(201, { "content-type": "text/event-stream", "x-upstream": "kept" }, relay);
}

Deno.test("webAnswer() makes a Response of a relayed answer: status, headers, sniffed chunks, then the rest", async () => {
  const ends: RelayEnd[] = [];
  const response = webAnswer(answerOf(["second ", "third"], ends));
  assert.equal(response.status, 201);
  assert.equal(response.headers.get("x-upstream"), "kept");
  assert.equal(await response.text(), "first second third");
  assert.deepEqual(ends, ["completed"]);
  const own = new Response("as it is");
  assert.equal(webAnswer(own), own);
});

Deno.test("the gateway's server writes a relayed answer from its relay; HEAD ends it as client-gone", async () => {
  const ends: RelayEnd[] = [];
  const server = serveHttp1(() => Promise.resolve(answerOf(["second ", "third"], ends)), {
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    const got = await fetch(`http://127.0.0.1:${server.port}/x`);
    assert.equal(got.status, 201);
    assert.equal(got.headers.get("content-type"), "text/event-stream");
    assert.equal(got.headers.get("x-upstream"), "kept");
    assert.equal(await got.text(), "first second third");
    const head = await fetch(`http://127.0.0.1:${server.port}/x`, { method: "HEAD" });
    assert.equal(head.status, 201);
    assert.equal(await head.text(), "");
    assert.deepEqual(ends, ["completed", "client-gone"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("an answer read to its end goes out with its last chunk, before the relay is asked for more", async () => {
  const ends: RelayEnd[] = [];
  const queue = [encoder.encode("second")];
  let opened!: () => void;
  const gate = new Promise<void>((resolve) => opened = resolve);
  const reader: ChunkReader = {
    // The end is known once "second" is read; the read that says so is held until the test lets it go.
    read: () => queue.length > 0 ? Promise.resolve(queue.shift()!) : gate.then(() => null),
    atEnd: () => queue.length === 0,
    cancel: () => Promise.resolve(),
  };
  const relay = directRelay([encoder.encode("first ")], false, reader, {
    onChunk: () => {},
    onEnd: (end) => void ends.push(end),
  });
  const server = serveHttp1(() => Promise.resolve(new RelayedAnswer(200, {}, relay)), {
    hostname: "127.0.0.1",
    port: 0,
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    await conn.write(encoder.encode("GET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    let text = "";
    const decoder = new TextDecoder();
    while (!text.endsWith("\r\n0\r\n\r\n")) {
      const n = await within(conn.read(buffer), 5_000, `the last chunk (so far: ${JSON.stringify(text)})`);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n));
    }
    assert.match(
      text,
      /\r\n\r\n6\r\nfirst \r\n6\r\nsecond\r\n0\r\n\r\n$/,
      "the last chunk came with 'second'",
    );
    assert.deepEqual(ends, [], "while the relay's last read was still held");
    opened();
    await waitFor(() => ends.length > 0, { what: "the relay's end" });
    assert.deepEqual(ends, ["completed"]);
  } finally {
    opened();
    conn.close();
    await server.shutdown();
  }
});
