/**
 * moveTree() against real files: it moves, keeps a file already there, falls back to copy-then-remove only
 * across a device boundary, and otherwise says which file could not move with nothing lost or half-copied.
 */

import assert from "node:assert/strict";
import { moveTree } from "../../src/fs/move_tree.ts";
import { CaoError } from "../../src/shared/errors.ts";

const ignore = Deno.build.os === "windows";
const ROLLOUT = "2026/11/21/rollout-2026-11-21T10-00-00-0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000.jsonl";

async function tempDir(parent?: string): Promise<AsyncDisposable & { dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "cao-move-", dir: parent });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }).catch(() => {}) };
}

async function writeFile(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const names: string[] = [];
  const entries = await Array.fromAsync(Deno.readDir(dir)).catch(() => []);
  for (const entry of entries) {
    const path = `${prefix}${entry.name}`;
    names.push(entry.isDirectory ? `${path}/` : path);
    if (entry.isDirectory) names.push(...await listTree(`${dir}/${entry.name}`, `${path}/`));
  }
  return names.sort();
}

async function rejection(promise: Promise<unknown>): Promise<CaoError> {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof CaoError, `expected a CaoError, got ${error}`);
  return error;
}

Deno.test({
  name: "moveTree() moves every file and keeps one already there",
  ignore,
  async fn() {
    await using t = await tempDir();
    await writeFile(`${t.dir}/from/${ROLLOUT}`, "new\n");
    await writeFile(`${t.dir}/from/a.jsonl`, "a\n");
    await writeFile(`${t.dir}/to/a.jsonl`, "already there\n");
    assert.equal(await moveTree(`${t.dir}/from`, `${t.dir}/to`), 1);
    assert.equal(await Deno.readTextFile(`${t.dir}/to/${ROLLOUT}`), "new\n");
    assert.equal(await Deno.readTextFile(`${t.dir}/to/a.jsonl`), "already there\n");
    assert.deepEqual(await listTree(`${t.dir}/from`), ["2026/", "2026/11/", "2026/11/21/", "a.jsonl"]);
    assert.equal(await moveTree(`${t.dir}/missing`, `${t.dir}/to`), 0);
  },
});

Deno.test({
  name: "moveTree() stops at a directory where a file goes, and at a file where a directory goes",
  ignore,
  async fn(t) {
    await t.step("a non-empty directory in the way of a file", async () => {
      await using d = await tempDir();
      await writeFile(`${d.dir}/from/${ROLLOUT}`, "session\n");
      await writeFile(`${d.dir}/to/${ROLLOUT}/inside`, "x");
      const error = await rejection(moveTree(`${d.dir}/from`, `${d.dir}/to`));
      assert.equal(
        error.message,
        `Cannot move "${d.dir}/from/${ROLLOUT}": "${d.dir}/to/${ROLLOUT}" is a directory`,
      );
      assert.match(error.hint ?? "", /move .* out of the way/);
      assert.equal(await Deno.readTextFile(`${d.dir}/from/${ROLLOUT}`), "session\n", "nothing lost");
    });
    await t.step("a file in the way of a directory", async () => {
      await using d = await tempDir();
      await writeFile(`${d.dir}/from/${ROLLOUT}`, "session\n");
      await writeFile(`${d.dir}/to/2026/11`, "a file");
      const error = await rejection(moveTree(`${d.dir}/from`, `${d.dir}/to`));
      assert.equal(
        error.message,
        `Cannot move "${d.dir}/from/2026/11": "${d.dir}/to/2026/11" is a file, not a directory`,
      );
      assert.equal(await Deno.readTextFile(`${d.dir}/from/${ROLLOUT}`), "session\n", "nothing lost");
      assert.equal(await Deno.readTextFile(`${d.dir}/to/2026/11`), "a file");
    });
  },
});

/** Makes `dir` refuse renames out of it (root: the immutable attribute, which chmod cannot do for root). */
async function forbidRenames(dir: string): Promise<AsyncDisposable | null> {
  if (Deno.uid() !== 0) {
    await Deno.chmod(dir, 0o555);
    return { [Symbol.asyncDispose]: () => Deno.chmod(dir, 0o755) };
  }
  const chattr = async (flag: string) =>
    await new Deno.Command("chattr", { args: [flag, dir], stdout: "null", stderr: "null" }).output()
      .then((o) => o.success, () => false);
  if (!(await chattr("+i"))) return null;
  return { [Symbol.asyncDispose]: async () => void await chattr("-i") };
}

Deno.test({
  name: "moveTree() copies nothing when a rename fails for another reason than a device boundary",
  ignore,
  async fn(t) {
    await using d = await tempDir();
    const folder = `${d.dir}/from/2026/11/21`;
    await writeFile(`${d.dir}/from/${ROLLOUT}`, "session\n");
    await Deno.mkdir(`${d.dir}/to`);
    await using forbidden = await forbidRenames(folder);
    if (forbidden === null) {
      t.step({ name: "needs chattr +i (root) or chmod (non-root)", ignore: true, fn() {} });
      return;
    }
    const error = await rejection(moveTree(`${d.dir}/from`, `${d.dir}/to`));
    assert.match(error.message, new RegExp(`^Cannot move "${d.dir}/from/${ROLLOUT}": `));
    assert.match(error.message, /permi/);
    assert.ok(error.hint, "a hint says what to check");
    assert.equal(await Deno.readTextFile(`${d.dir}/from/${ROLLOUT}`), "session\n", "nothing lost");
    assert.deepEqual(
      (await listTree(`${d.dir}/to`)).filter((name) => !name.endsWith("/")),
      [],
      "nothing copied",
    );
  },
});

/**
 * Runs a move from a folder on `/dev/shm` (a tmpfs: another file system than the temp dir on Linux) into
 * `target`, in a child `deno eval`: Deno opens files below /dev only with all permissions, which this test
 * process does not have (and must not: it may reach only loopback). The child touches nothing but its own
 * folder there and `target`, and reports what it saw.
 */
async function moveFromShm(target: string): Promise<Record<string, unknown>> {
  const moduleUrl = new URL("../../src/fs/move_tree.ts", import.meta.url).href;
  const code = `
    import { moveTree } from ${JSON.stringify(moduleUrl)};
    const target = Deno.args[0];
    const source = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "cao-move-" });
    try {
      await Deno.mkdir(source + "/2026/11/21", { recursive: true });
      await Deno.writeTextFile(source + "/${ROLLOUT}", "session\\n");
      await Deno.writeTextFile(source + "/already.jsonl", "not copied over\\n");
      const sourceDevice = (await Deno.stat(source)).dev, targetDevice = (await Deno.stat(target)).dev;
      const moved = await moveTree(source, target);
      const left = [];
      for await (const e of Deno.readDir(source + "/2026/11/21")) left.push(e.name);
      for await (const e of Deno.readDir(source)) if (e.isFile) left.push(e.name);
      console.log(JSON.stringify({ crossDevice: sourceDevice !== targetDevice, moved, left: left.sort() }));
    } finally {
      await Deno.remove(source, { recursive: true });
    }`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code, target],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

const shm = Deno.build.os === "linux" &&
  (await Deno.lstat("/run/shm").then(() => true, () => false) ||
    await Deno.lstat("/dev/shm").then(() => true, () => false));

Deno.test({
  name: "moveTree() moves across a device boundary by a whole copy, then removes the source",
  ignore: !shm,
  async fn() {
    await using target = await tempDir();
    await writeFile(`${target.dir}/already.jsonl`, "kept\n");
    const seen = await moveFromShm(target.dir);
    assert.equal(seen.crossDevice, true, "/dev/shm is another file system");
    assert.equal(seen.moved, 1);
    assert.deepEqual(
      seen.left,
      ["already.jsonl"],
      "the moved file's source is gone; the one not moved stays",
    );
    assert.equal(await Deno.readTextFile(`${target.dir}/${ROLLOUT}`), "session\n");
    assert.equal(await Deno.readTextFile(`${target.dir}/already.jsonl`), "kept\n");
    assert.deepEqual(
      await listTree(target.dir),
      ["2026/", "2026/11/", "2026/11/21/", ROLLOUT, "already.jsonl"],
      "no temp file left",
    );
  },
});
