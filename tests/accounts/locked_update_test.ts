import assert from "node:assert/strict";
import { type LockedDocument, updateLocked } from "../../src/accounts/locked_update.ts";
import { tempCaoHome, type TestCaoHome } from "../support/temp_cao_home.ts";

type Doc = { n: number };

function counter(home: TestCaoHome, options: Partial<LockedDocument<Doc>> = {}): LockedDocument<Doc> {
  const path = `${home.paths.root}/counter.json`;
  return {
    path,
    read: async () => {
      try {
        return JSON.parse(await Deno.readTextFile(path)) as Doc;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return { n: 0 };
        throw error;
      }
    },
    toJson: (doc) => doc,
    ...options,
  };
}

/** What identifies one version of a file: a rewrite (temp file renamed over it) changes the inode. */
async function identity(path: string): Promise<{ ino: number | null; mtime: number | undefined }> {
  const info = await Deno.stat(path);
  return { ino: info.ino, mtime: info.mtime?.getTime() };
}

Deno.test("updateLocked() writes an edit, pretty and private, and leaves the file alone when nothing changed", async () => {
  await using home = await tempCaoHome();
  const doc = counter(home);
  assert.equal(await updateLocked(home, doc, (d) => ++d.n), 1);
  assert.equal(await Deno.readTextFile(doc.path), '{\n  "n": 1\n}\n');
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(doc.path)).mode! & 0o777, 0o600);
  const before = await identity(doc.path);
  const written: boolean[] = [];
  const same = { ...doc, afterWrite: (w: boolean) => Promise.resolve(void written.push(w)) };
  assert.equal(await updateLocked(home, same, (d) => d.n), 1);
  assert.deepEqual(await identity(doc.path), before, "not rewritten");
  await updateLocked(home, same, (d) => void (d.n = 2));
  assert.notDeepEqual(await identity(doc.path), before, "rewritten");
  assert.deepEqual(written, [false, true]);
});

Deno.test('updateLocked() creates a missing file by default, but not with write "changed"', async () => {
  await using home = await tempCaoHome();
  await updateLocked(home, counter(home, { write: "changed" }), () => {});
  assert.equal(await Deno.stat(`${home.paths.root}/counter.json`).catch(() => null), null, "still missing");
  await updateLocked(home, counter(home), () => {});
  assert.equal(await Deno.readTextFile(`${home.paths.root}/counter.json`), '{\n  "n": 0\n}\n');
  await updateLocked(home, counter(home, { write: "changed", layout: "compact" }), (d) => void (d.n = 3));
  assert.equal(await Deno.readTextFile(`${home.paths.root}/counter.json`), '{"n":3}\n');
});

Deno.test("updateLocked() with createHome false leaves the home's mode to the caller", async () => {
  if (Deno.build.os === "windows") return;
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { mode: 0o755 });
  await Deno.chmod(home.paths.root, 0o755);
  await updateLocked(home, counter(home, { createHome: false }), (d) => void (d.n = 1));
  assert.equal((await Deno.stat(home.paths.root)).mode! & 0o777, 0o755);
  assert.deepEqual(home.warnings, []);
  await updateLocked(home, counter(home), (d) => void (d.n = 2));
  assert.equal((await Deno.stat(home.paths.root)).mode! & 0o777, 0o700);
  assert.equal(home.warnings.length, 1, home.warnings.join("\n"));
});

Deno.test("updateLocked() serialises concurrent edits of one file", async () => {
  await using home = await tempCaoHome();
  const doc = counter(home);
  await Promise.all(Array.from({ length: 6 }, () => updateLocked(home, doc, (d) => void d.n++)));
  assert.deepEqual(JSON.parse(await Deno.readTextFile(doc.path)), { n: 6 });
});
