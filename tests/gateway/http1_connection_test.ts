/**
 * The upstream connection's read buffer: 4 KiB while reads are small (a streamed answer), doubling up to
 * 16 KiB after a read that filled it, with every byte delivered in order. Over a real loopback socket.
 */

import assert from "node:assert/strict";
import { Connection } from "../../src/gateway/http1_connection.ts";

async function connected(send: Uint8Array[]): Promise<{ connection: Connection; done: Promise<void> }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
  const server = await accepted;
  listener.close();
  const done = (async () => {
    for (const part of send) {
      for (let at = 0; at < part.byteLength;) at += await server.write(part.subarray(at));
    }
    server.close();
  })();
  return { connection: new Connection(conn, "test"), done };
}

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
