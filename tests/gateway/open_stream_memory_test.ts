/**
 * A streamed answer can stay open for minutes; it must not keep its request's body alive meanwhile (Codex
 * sends the whole conversation with every request, megabytes in a long session). Measured in a child
 * process with `gc()` exposed: 20 streams open at once, each for a request of 1 MiB.
 */

import assert from "node:assert/strict";
import { runGcChild } from "../support/gc_child.ts";

Deno.test("open streams keep none of their requests' bodies alive", async () => {
  const n = 20;
  const size = 1024 * 1024;
  const { open, arrayBuffers } = await runGcChild(
    new URL("./fixtures/open_streams_child.ts", import.meta.url),
    [String(n), String(size)],
  );
  assert.equal(open, n, "every stream was still open when memory was measured");
  assert.ok(
    arrayBuffers < (n * size) / 4,
    `${(arrayBuffers / 2 ** 20).toFixed(1)} MiB of buffers held by ${n} open streams of 1 MiB requests`,
  );
});
