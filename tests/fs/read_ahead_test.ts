/** readAhead() / takeReadAhead() against real files: a kept text is taken once, and never once the file changed. */

import assert from "node:assert/strict";
import { readAhead, takeReadAhead } from "../../src/fs/read_ahead.ts";
import { writeFileAtomic } from "../../src/fs/atomic_write.ts";

Deno.test("takeReadAhead() hands over what readAhead() read, once, while the file is the same", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "cao-ahead-" });
  try {
    const path = `${dir}/registry.json`;
    await t.step("unchanged: taken once, then read again", async () => {
      await Deno.writeTextFile(path, '{"a":1}');
      assert.equal(await readAhead(path), '{"a":1}');
      assert.equal(await takeReadAhead(path), '{"a":1}');
      assert.equal(await takeReadAhead(path), undefined);
    });
    await t.step("replaced by an atomic write of the same size: read again", async () => {
      assert.equal(await readAhead(path), '{"a":1}');
      await writeFileAtomic(path, '{"a":2}');
      assert.equal(await takeReadAhead(path), undefined);
    });
    await t.step("rewritten in place: read again", async () => {
      assert.equal(await readAhead(path), '{"a":2}');
      await Deno.writeTextFile(path, '{"a":3, "b": 4}');
      assert.equal(await takeReadAhead(path), undefined);
    });
    await t.step("large, multi-byte and empty files come back whole", async () => {
      const big = JSON.stringify({ text: "ü€😀".repeat(40_000) });
      await Deno.writeTextFile(path, big);
      assert.equal(await readAhead(path), big);
      assert.equal(await takeReadAhead(path), big);
      await Deno.writeTextFile(path, "");
      assert.equal(await readAhead(path), "");
      await Deno.writeTextFile(path, '{"a":3, "b": 4}');
    });
    await t.step("removed, or never there", async () => {
      assert.equal(await readAhead(path), '{"a":3, "b": 4}');
      await Deno.remove(path);
      assert.equal(await takeReadAhead(path), undefined);
      assert.equal(await readAhead(`${dir}/missing.json`), null);
      assert.equal(await takeReadAhead(`${dir}/missing.json`), undefined);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
