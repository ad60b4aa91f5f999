import assert from "node:assert/strict";
import { lastLineSince, LOG_ROTATE_BYTES, logSize, openLogFile } from "../../src/gateway/log_file.ts";

Deno.test("openLogFile() appends lines in order to a private file and close() waits for them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/gateway.log`;
    await Deno.writeTextFile(path, "earlier\n", { mode: 0o600 });
    const offset = await logSize(path);
    const log = await openLogFile(path);
    for (let i = 0; i < 50; i++) log.write(`line ${i}`);
    await log.close();
    log.write("after close");
    const lines = (await Deno.readTextFile(path)).trim().split("\n");
    assert.deepEqual(lines, ["earlier", ...Array.from({ length: 50 }, (_, i) => `line ${i}`)]);
    assert.equal(await lastLineSince(path, offset), "line 49");
    assert.equal(await lastLineSince(path, await logSize(path)), null);
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openLogFile() moves a log past the limit aside; lastLineSince() then reads from the start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/gateway.log`;
    await Deno.writeTextFile(path, "x".repeat(LOG_ROTATE_BYTES + 1) + "\n");
    const offset = await logSize(path);
    const log = await openLogFile(path);
    log.write("fresh");
    await log.close();
    assert.equal((await Deno.stat(`${path}.1`)).size, offset);
    assert.equal(await Deno.readTextFile(path), "fresh\n");
    assert.equal(await lastLineSince(path, offset), "fresh");
    assert.equal(await lastLineSince(`${dir}/missing.log`, 0), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
