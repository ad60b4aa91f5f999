/**
 * ChunkFramer frames each chunk of a streamed answer as `frameChunk` does, in one buffer it keeps and
 * grows: a small event costs no allocation, a big read gets room, and every frame is exact.
 */

import assert from "node:assert/strict";
import { ChunkFramer, frameChunk } from "../../src/gateway/http1_server_wire.ts";

const encoder = new TextEncoder();

Deno.test("ChunkFramer frames as frameChunk does, reusing its buffer and growing it for a big chunk", () => {
  const framer = new ChunkFramer();
  const small = encoder.encode('data: {"type":"response.output_text.delta"}\n\n');
  const first = framer.frame(small);
  assert.deepEqual(first, frameChunk(small));
  const second = framer.frame(encoder.encode("x"));
  assert.equal(new TextDecoder().decode(second), "1\r\nx\r\n");
  assert.equal(second.buffer, first.buffer, "the same buffer, reused");
  const big = new Uint8Array(20_000).fill(97);
  const framed = framer.frame(big);
  assert.deepEqual(framed, frameChunk(big));
  assert.notEqual(framed.buffer, first.buffer, "grown for a chunk that does not fit");
  assert.deepEqual(framer.frame(new Uint8Array(0)), frameChunk(new Uint8Array(0)));
});

Deno.test("ChunkFramer writes every chunk size in hex, at each digit boundary", () => {
  const framer = new ChunkFramer();
  for (const size of [1, 9, 10, 15, 16, 17, 255, 256, 4095, 4096, 65535, 65536, 1_048_575, 1_048_576]) {
    const framed = framer.frame(new Uint8Array(size).fill(120));
    const head = new TextDecoder().decode(framed.subarray(0, framed.indexOf(13)));
    assert.equal(head, size.toString(16), `size ${size}`);
    assert.deepEqual(framed, frameChunk(new Uint8Array(size).fill(120)), `size ${size}`);
  }
});
