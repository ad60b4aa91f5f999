/**
 * A status change waits in the write queue (up to a second in a real gateway); it must not keep its request
 * alive meanwhile. Under load that was most of the gateway's memory. Measured in a child process with
 * `gc()` exposed: 40 requests of 1 MiB through a gateway whose writes are held back.
 */

import assert from "node:assert/strict";

Deno.test("queued status changes keep none of their requests' bodies alive", async () => {
  const n = 40;
  const size = 1024 * 1024;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--v8-flags=--expose-gc",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1,localhost",
      new URL("./fixtures/queued_changes_child.ts", import.meta.url).pathname,
      String(n),
      String(size),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const { successes, arrayBuffers } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(successes, n);
  assert.ok(
    arrayBuffers < (n * size) / 4,
    `${(arrayBuffers / 2 ** 20).toFixed(1)} MiB of buffers still held after ${n} requests of 1 MiB`,
  );
});
