/**
 * The upstream connection's read buffer: 4 KiB while reads are small (a streamed answer), doubling up to
 * 16 KiB after a read that filled it, with every byte delivered in order; an answer's body read by views
 * (no copy) or by copies. Over a real loopback socket.
 */

import assert from "node:assert/strict";
import { Connection } from "../../src/gateway/http1_connection.ts";
import { chunkedBody, loopbackPeer } from "../support/loopback_peer.ts";

/**
 * A connection to a loopback peer that writes `send` and closes. `slowly`: each piece is its own write
 * (no delay on the socket), with a pause after every 8, so reads see the pieces apart.
 */
async function connected(
  send: Uint8Array[],
  slowly = false,
): Promise<{ connection: Connection; done: Promise<void> }> {
  const { conn, done } = await loopbackPeer(send, { paced: slowly });
  return { connection: new Connection(conn, "test"), done };
}

/** {@link connected}, writing the pieces apart. */
const connectedSlowly = (send: Uint8Array[]) => connected(send, true);

async function readAll(connection: Connection): Promise<{ bytes: number[]; sizes: number[] }> {
  const bytes: number[] = [];
  const sizes: number[] = [];
  for (;;) {
    const n = await connection.read();
    if (n === null) break;
    sizes.push(connection.buffer.byteLength);
    connection.took(n);
    bytes.push(...connection.buffer.subarray(0, n));
  }
  connection.close();
  return { bytes, sizes };
}

Deno.test("a connection's read buffer starts at 4 KiB and doubles to 16 KiB after full reads", async () => {
  const big = Uint8Array.from({ length: 40 * 1024 }, (_, i) => (i * 7) % 251);
  const { connection, done } = await connected([big]);
  await done;
  const { bytes, sizes } = await readAll(connection);
  assert.equal(bytes.length, big.byteLength);
  assert.ok(bytes.every((b, i) => b === big[i]), "every byte, in order");
  assert.deepEqual(sizes.slice(0, 3), [4096, 8192, 16384]);
  assert.equal(Math.max(...sizes), 16384, "never past 16 KiB");
});

Deno.test("a connection whose reads stay small keeps its 4 KiB buffer", async () => {
  // Ten events of 308 bytes: even all in one read they cannot fill 4 KiB.
  const event = new TextEncoder().encode(`data: ${"x".repeat(300)}\n\n`);
  const { connection, done } = await connected(Array.from({ length: 10 }, () => event));
  const { bytes, sizes } = await readAll(connection);
  await done;
  assert.equal(bytes.length, event.byteLength * 10);
  assert.deepEqual([...new Set(sizes)], [4096]);
});

Deno.test("an answer's body read by views is byte-exact when the chunk framing is split across reads", async () => {
  // 300 chunked events of varying size, written in pieces that cut sizes, CRLFs and payloads apart.
  const events = Array.from({ length: 300 }, (_, i) => `data: {"n":${i},"pad":"${"y".repeat(i % 97)}"}\n\n`);
  const wire = new TextEncoder().encode(
    events.map((event) => `${new TextEncoder().encode(event).byteLength.toString(16)}\r\n${event}\r\n`).join(
      "",
    ) +
      "0\r\n\r\n",
  );
  const pieces: Uint8Array[] = [];
  for (let at = 0, step = 1; at < wire.byteLength; at += step, step = (step * 7 + 3) % 613 + 1) {
    pieces.push(wire.subarray(at, Math.min(wire.byteLength, at + step)));
  }
  const { connection, done } = await connectedSlowly(pieces);
  const { body, ends } = chunkedBody(connection);
  const received: string[] = [];
  let views = 0;
  for (let chunk = await body.readView(); chunk !== null; chunk = await body.readView()) {
    if (chunk.buffer === connection.buffer.buffer) views++;
    received.push(new TextDecoder().decode(chunk)); // copied before the next read, as the server frames it
  }
  await done;
  connection.close();
  assert.equal(received.join(""), events.join(""));
  assert.equal(views, received.length, "every chunk was a view of the connection's buffer");
  assert.deepEqual(ends, [true], "read to its end: the connection may carry the next exchange");
});

Deno.test("an answer's body read by read() copies each chunk out of the connection's buffer", async () => {
  const { connection, done } = await connectedSlowly([
    new TextEncoder().encode("3\r\nabc\r\n"),
    new TextEncoder().encode("3\r\ndef\r\n0\r\n\r\n"),
  ]);
  const { body } = chunkedBody(connection);
  const chunks: Uint8Array[] = [];
  for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) chunks.push(chunk);
  await done;
  connection.close();
  assert.ok(chunks.every((chunk) => chunk.buffer !== connection.buffer.buffer));
  assert.equal(
    chunks.map((chunk) => new TextDecoder().decode(chunk)).join(""),
    "abcdef",
    "kept across reads",
  );
});

Deno.test("a body that ends in a view goes back to the pool only when the next read shows the view was used", async () => {
  for (const how of ["readView", "readFramed", "read"] as const) {
    const { connection, done } = await connectedSlowly([new TextEncoder().encode("3\r\nabc\r\n0\r\n\r\n")]);
    const { body, ends } = chunkedBody(connection);
    const chunk = await body[how]();
    assert.ok(chunk !== null, how);
    // A view points into the connection's buffer: handing the connection on now would let another exchange
    // read over it before it is written. A copy can let it go at once.
    assert.deepEqual(ends, how === "read" ? [true] : [], how);
    assert.equal(await body[how](), null, how);
    assert.deepEqual(ends, [true], `${how}: released once, reusable`);
    await done;
    connection.close();
  }
});
