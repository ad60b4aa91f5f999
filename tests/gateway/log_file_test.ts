import assert from "node:assert/strict";
import {
  batchedLines,
  lastLineSince,
  LOG_ROTATE_BYTES,
  logSize,
  openLogFile,
} from "../../src/gateway/log_file.ts";
import { waitFor } from "../support/wait.ts";
import { later } from "../../src/shared/timers.ts";
import { sleep } from "../../src/shared/wait.ts";

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

Deno.test("batchedLines() writes what was queued in one turn as one text, in order, and close() waits", async () => {
  const writes: string[] = [];
  let slow: () => void = () => {};
  const lines = batchedLines(async (text) => {
    writes.push(text);
    if (writes.length === 1) await new Promise<void>((resolve) => slow = resolve);
  });
  lines.write("a");
  lines.write("b");
  await waitFor(() => writes.length === 1, { what: "the first write" });
  lines.write("c"); // queued while the first write runs
  lines.write("d");
  slow();
  await lines.close();
  lines.write("after close");
  assert.deepEqual(writes, ["a\nb\n", "c\nd\n"]);
  const failing = batchedLines(() => {
    throw new Error("disk full");
  });
  failing.write("lost");
  await failing.close();
});

Deno.test("batchedLines() writes a batch before a timer already due: it starts no timer of its own", async () => {
  const order: string[] = [];
  const lines = batchedLines((text) => {
    order.push(`write ${text.trim()}`);
  });
  later(0, () => order.push("timer"));
  lines.write("a");
  await sleep(20);
  assert.deepEqual(order, ["write a", "timer"]);
});
