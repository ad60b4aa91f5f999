import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { writeFileAtomic, writeJsonAtomic } from "../../src/fs/atomic_write.ts";
import { withFileLock } from "../../src/fs/file_lock.ts";
import { moveAside, readJsonFile } from "../../src/fs/json_file.ts";
import { isLooserThanPrivate, repairMode } from "../../src/fs/permissions.ts";
import { within } from "../support/wait.ts";

const ATOMIC = fileURLToPath(new URL("../../src/fs/atomic_write.ts", import.meta.url));

Deno.test("writeFileAtomic() replaces the file and leaves no temp file behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFileAtomic(`${dir}/f`, "one");
    await writeFileAtomic(`${dir}/f`, "two", { mode: 0o640 });
    assert.equal(await Deno.readTextFile(`${dir}/f`), "two");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(`${dir}/f`)).mode! & 0o777, 0o640);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["f"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a SIGKILL in the middle of writes leaves the previous file intact",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/status.json`;
      await writeJsonAtomic(path, { n: 0, payload: "", check: 0 });
      // The writer says when it has finished its (round + 1)th write; it is killed during the next one.
      const script = (after: number) => `
        import { writeJsonAtomic } from ${JSON.stringify(ATOMIC)};
        for (let n = 1; ; n++) {
          await writeJsonAtomic(${JSON.stringify(path)}, { n, payload: "x".repeat(200000 + n), check: n });
          if (n === ${after}) console.log("written");
        }
      `;
      let written = 0;
      for (let round = 0; round < 6; round++) {
        const child = new Deno.Command(Deno.execPath(), {
          args: ["eval", "--quiet", script(round + 1)],
          stdout: "piped",
          stderr: "inherit",
        }).spawn();
        const said = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let first: ReadableStreamReadResult<string>;
        try {
          first = await within(said.read(), 30_000, `the writer's write ${round + 1}`);
        } finally {
          try {
            child.kill("SIGKILL");
          } catch { /* it ended by itself: the assertions below say how */ }
          await said.cancel();
        }
        const status = await child.status;
        assert.match(first.value ?? "", /written/, "the writer wrote before it was killed");
        assert.equal(status.signal, "SIGKILL");
        const doc = JSON.parse(await Deno.readTextFile(path));
        assert.equal(doc.n, doc.check, "a whole document, never half of one");
        assert.equal(doc.payload.length, doc.n === 0 ? 0 : 200000 + doc.n);
        assert.ok(doc.n >= round + 1, `write ${round + 1} was kept (found ${doc.n})`);
        written = Math.max(written, doc.n);
      }
      assert.ok(written > 0, "the writer got to write before it was killed");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("withFileLock() serialises critical sections", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const order: string[] = [];
    await Promise.all([1, 2, 3].map((i) =>
      withFileLock(`${dir}/x.lock`, async () => {
        order.push(`start${i}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`end${i}`);
      })
    ));
    for (let i = 0; i < order.length; i += 2) {
      assert.equal(order[i].replace("start", ""), order[i + 1].replace("end", ""), order.join(","));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readJsonFile() and moveAside() never overwrite an earlier copy", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const now = new Date("2026-11-21T12:00:00Z");
    assert.deepEqual(await readJsonFile(`${dir}/none.json`, now), { kind: "missing" });
    await Deno.writeTextFile(`${dir}/a.json`, "first bad");
    const first = await readJsonFile(`${dir}/a.json`, now);
    await Deno.writeTextFile(`${dir}/a.json`, "second bad");
    const second = await readJsonFile(`${dir}/a.json`, now);
    assert.equal(first.kind, "corrupt");
    assert.equal(second.kind, "corrupt");
    if (first.kind === "corrupt" && second.kind === "corrupt") {
      assert.notEqual(first.movedTo, second.movedTo);
      assert.equal(await Deno.readTextFile(first.movedTo), "first bad");
      assert.equal(await Deno.readTextFile(second.movedTo), "second bad");
    }
    await Deno.writeTextFile(`${dir}/b`, "x");
    assert.match(await moveAside(`${dir}/b`, now, "removed"), /b\.removed-20261121T120000Z$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "repairMode() tightens a loose mode and says so",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/auth.json`, "{}");
      await Deno.chmod(`${dir}/auth.json`, 0o644);
      const warnings: string[] = [];
      await repairMode(`${dir}/auth.json`, 0o600, (m) => warnings.push(m));
      assert.equal((await Deno.stat(`${dir}/auth.json`)).mode! & 0o777, 0o600);
      assert.match(warnings[0], /had mode 0644; tightened to 0600/);
      await repairMode(`${dir}/auth.json`, 0o600, (m) => warnings.push(m));
      assert.equal(warnings.length, 1, "no warning when already private");
      assert.equal(isLooserThanPrivate(0o700), false);
      assert.equal(isLooserThanPrivate(0o710), true);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
