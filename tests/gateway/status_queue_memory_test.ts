/**
 * A status change waits in the write queue (up to a second in a real gateway); it must not keep its request
 * alive meanwhile. Under load that was most of the gateway's memory. Measured in a child process with
 * `gc()` exposed: 40 requests of 1 MiB through a gateway whose writes are held back.
 */

import assert from "node:assert/strict";
import { runGcChild } from "../support/gc_child.ts";

Deno.test("queued status changes keep none of their requests' bodies alive", async () => {
  const n = 40;
  const size = 1024 * 1024;
  const { successes, arrayBuffers } = await runGcChild(
    new URL("./fixtures/queued_changes_child.ts", import.meta.url),
    [String(n), String(size)],
  );
  assert.equal(successes, n);
  assert.ok(
    arrayBuffers < (n * size) / 4,
    `${(arrayBuffers / 2 ** 20).toFixed(1)} MiB of buffers still held after ${n} requests of 1 MiB`,
  );
});
