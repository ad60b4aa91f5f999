import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { basenameOf, dirnameOf, joinPath } from "../../src/fs/path.ts";

Deno.test("joinPath() joins like node:path for the paths cao builds", () => {
  const cases: string[][] = [
    ["/home/u", ".codex-account-orchestrator"],
    ["/home/u/", ".codex"],
    ["/r", "work", "auth.json"],
    ["/", "x"],
    ["rel", "a"],
    ["/r", "", "b"],
  ];
  for (const parts of cases) assert.equal(joinPath(...parts), join(...parts), parts.join(" + "));
  assert.equal(joinPath(), ".");
});

Deno.test("dirnameOf() and basenameOf() split like node:path", () => {
  for (const path of ["/r/work/auth.json", "/r/registry.json", "/x", "file", "/a/b/", "a/b"]) {
    assert.equal(dirnameOf(path), dirname(path), path);
    assert.equal(basenameOf(path), basename(path), path);
  }
  assert.equal(dirnameOf("/r/work/auth.json"), "/r/work");
  assert.equal(dirnameOf("/x"), "/");
  assert.equal(dirnameOf("file"), ".");
  assert.equal(dirnameOf("/a/b/"), "/a");
  assert.equal(basenameOf("/r/work/auth.json"), "auth.json");
  assert.equal(basenameOf("/a/b/"), "b");
  assert.equal(basenameOf("file"), "file");
});
