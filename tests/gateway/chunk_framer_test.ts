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
