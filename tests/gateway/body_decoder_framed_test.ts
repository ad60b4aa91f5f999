/**
 * The body decoder's framed mode (`body_decoder.ts` `framed`): a chunked body passed on in its own framing.
 * Random bodies split into random reads (a seeded generator, so a failure repeats): what goes on is the
 * body's own bytes up to its last chunk, and a chunked decoder reads the same payload from it; a size line
 * split across reads is held back whole; the last chunk, its trailers and anything after never go.
 */

import assert from "node:assert/strict";
import { BodyDecoder } from "../../src/gateway/body_decoder.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A chunked body of `chunks` payloads: upper-case hex at times, extensions at times, trailers at times. */
function chunkedBody(
  next: () => number,
  chunks: number,
): { wire: string; beforeLast: string; payload: string } {
  let wire = "";
  let payload = "";
  for (let i = 0; i < chunks; i++) {
    const data = `data: {"n":${i},"t":"${"z".repeat(Math.floor(next() * 300))}"}\n\n`;
    let size = encoder.encode(data).byteLength.toString(16);
    if (next() < 0.3) size = size.toUpperCase();
    const extension = next() < 0.2 ? `;name=${i}` : "";
    wire += `${size}${extension}\r\n${data}\r\n`;
    payload += data;
  }
  const beforeLast = wire;
  wire += next() < 0.5 ? "0\r\n\r\n" : "0;end=1\r\nx-trailer: 1\r\nx-other: 2\r\n\r\n";
  return { wire, beforeLast, payload };
}

/** `wire` cut into reads of 1 to `longest` bytes, each in a scratch buffer bigger than itself (as a socket read). */
function reads(next: () => number, wire: Uint8Array, longest: number): { buffer: Uint8Array; n: number }[] {
  const out: { buffer: Uint8Array; n: number }[] = [];
  for (let at = 0; at < wire.byteLength;) {
    const n = Math.min(wire.byteLength - at, 1 + Math.floor(next() * longest));
    const buffer = new Uint8Array(n + 64).fill(35);
    buffer.set(wire.subarray(at, at + n));
    out.push({ buffer, n });
    at += n;
  }
  return out;
}

Deno.test("framed(): random chunked bodies in random reads go on as they came, up to the last chunk", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed);
    const { wire, beforeLast, payload } = chunkedBody(next, 1 + Math.floor(next() * 12));
    const body = new BodyDecoder({ kind: "chunked" });
    assert.equal(body.atChunkStart, true);
    const passed: Uint8Array[] = [];
    for (const { buffer, n } of reads(next, encoder.encode(wire), seed % 3 === 0 ? 7 : 400)) {
      const out = body.framed(buffer, n);
      if (out !== null) passed.push(out.slice()); // the caller writes it before the next read
    }
    const text = passed.map((bytes) => decoder.decode(bytes)).join("");
    assert.equal(text, beforeLast, `seed ${seed}: the body's own bytes, up to its last chunk`);
    assert.deepEqual([body.done, body.excess], [true, 0], `seed ${seed}`);
    const again = new BodyDecoder({ kind: "chunked" }).decode(encoder.encode(text + "0\r\n\r\n"));
    assert.equal(decoder.decode(again.data!), payload, `seed ${seed}: a chunked reader gets the payload`);
  }
});

Deno.test("framed(): a whole read goes as a view of it; a size line cut by a read waits for its end", () => {
  const body = new BodyDecoder({ kind: "chunked" });
  const first = encoder.encode("3\r\nabc\r\n1");
  const out = body.framed(first, first.byteLength)!;
  assert.equal(decoder.decode(out), "3\r\nabc\r\n", "the size line begun at the end is held back");
  assert.equal(out.buffer, first.buffer, "a view of the read, not a copy");
  assert.equal(body.atChunkStart, false);
  first.fill(0); // the read buffer is reused: what was held back was kept apart
  const second = encoder.encode("0\r\n0123456789abcdef\r\n");
  assert.equal(decoder.decode(body.framed(second, second.byteLength)!), "10\r\n0123456789abcdef\r\n");
  assert.equal(body.atChunkStart, true);
  const end = encoder.encode("0\r\n\r\nHTTP/1.1 200");
  assert.equal(body.framed(end, end.byteLength), null, "the last chunk is not passed on");
  assert.deepEqual([body.done, body.excess], [true, 12], "what came after the body is counted as excess");
});

Deno.test("framed(): the last chunk's size line cut by a read is dropped with its trailers", () => {
  const body = new BodyDecoder({ kind: "chunked" });
  const parts = ["2\r\nhi\r\n", "0", ";x=1\r\nx-t", "railer: 1\r", "\n\r\n"];
  const passed = parts.map((part) => body.framed(encoder.encode(part), part.length));
  assert.deepEqual(passed.map((bytes) => bytes && decoder.decode(bytes)), [
    "2\r\nhi\r\n",
    null,
    null,
    null,
    null,
  ]);
  assert.equal(body.done, true);
});

Deno.test("framed(): broken framing throws, and so does a size line too long to hold", () => {
  for (const wire of ["zz\r\n", "3\r\nabcX", "3\r\nabc\r\n0\r\nbad\rX"]) {
    const body = new BodyDecoder({ kind: "chunked" });
    assert.throws(() => body.framed(encoder.encode(wire), wire.length), /malformed|chunk/, wire);
  }
  const body = new BodyDecoder({ kind: "chunked" });
  const long = encoder.encode(`5;${"e".repeat(5000)}`);
  assert.throws(() => body.framed(long, long.byteLength), /too long/);
});
