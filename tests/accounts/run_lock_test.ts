import assert from "node:assert/strict";
import { tryRunLock } from "../../src/accounts/run_lock.ts";

Deno.test("tryRunLock() gives one holder the lock, creates it 0600, and frees it on release", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cao-run-lock-" });
  try {
    const path = `${dir}/a/.cao-run.lock`;
    const first = await tryRunLock(path);
    assert.ok(first, "a free lock is taken");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal(await tryRunLock(path), null, "a held lock is busy, without waiting");
    await first.release();
    await first.release();
    await using second = await tryRunLock(path);
    assert.ok(second, "free again after release");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
