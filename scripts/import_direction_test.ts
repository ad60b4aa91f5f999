/**
 * @module
 * Unit tests of `import_direction.ts` with literal sources and graphs, and the check of the real `src/`.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  checkSourceTree,
  directionProblem,
  importCycles,
  importProblems,
  importsOf,
  layerOf,
  lengthProblem,
  packageProblem,
  resolveImport,
} from "./import_direction.ts";

Deno.test("importsOf() finds static, type-only, re-exported and dynamic imports, not ones in comments or strings", () => {
  const source = `/**
 * @module
 * Not an import: import { x } from "../doc.ts" in a doc comment.
 */
import { a, type B } from "./a.ts";
import type {
  C,
  D,
} from "../c/d.ts";
import * as e from "node:path";
import "./side_effect.ts";
export { f } from "./f.ts";
export type { G } from "./g.ts";
// import { h } from "./commented.ts";
const i = await import("../i/j.ts");
const text = 'cao import "x"'; // import("./in_comment.ts")
const url = "https://example.com/x"; const k = await import("./k.ts");
`;
  assert.deepEqual(importsOf(source).sort(), [
    "../c/d.ts",
    "../i/j.ts",
    "./a.ts",
    "./f.ts",
    "./g.ts",
    "./k.ts",
    "./side_effect.ts",
    "node:path",
  ]);
});

Deno.test("layerOf() and resolveImport() place files relative to src/", () => {
  assert.equal(layerOf("gateway/proxy.ts"), "gateway");
  assert.equal(layerOf("version.ts"), "shared");
  assert.equal(resolveImport("cli/run.ts", "../run/candidates.ts"), "run/candidates.ts");
  assert.equal(resolveImport("cli/run.ts", "./context.ts"), "cli/context.ts");
  assert.equal(resolveImport("cli/run.ts", "../version.ts"), "version.ts");
  assert.equal(resolveImport("cli/run.ts", "../../main.ts"), null);
  assert.equal(resolveImport("cli/run.ts", "node:path"), null);
});

Deno.test("directionProblem() lets a layer import rightwards and deps/, never leftwards or a peer", () => {
  for (
    const [from, to] of [
      ["cli", "status"],
      ["status", "gateway"],
      ["run", "codex"],
      ["codex", "accounts"],
      [
        "accounts",
        "fs",
      ],
      ["fs", "shared"],
      ["gateway", "notify"],
      ["shared", "deps"],
      ["gateway", "gateway"],
    ]
  ) {
    assert.equal(directionProblem(from, to), null, `${from} → ${to}`);
  }
  assert.match(directionProblem("status", "cli")!, /status may not import cli/);
  assert.match(directionProblem("fs", "accounts")!, /fs may not import accounts/);
  assert.match(directionProblem("run", "gateway")!, /peers/);
  assert.match(directionProblem("gateway", "run")!, /peers/);
  assert.match(directionProblem("deps", "shared")!, /deps\/ adapters/);
  assert.match(directionProblem("cli", "utils")!, /utils\/ is not a layer/);
});

Deno.test("packageProblem() keeps npm packages behind deps/", () => {
  assert.equal(packageProblem("cli", "node:path"), null);
  assert.equal(packageProblem("cli", "../deps/toml.ts"), null);
  assert.equal(packageProblem("deps", "smol-toml"), null);
  assert.match(packageProblem("codex", "smol-toml")!, /deps\/ adapters/);
  assert.match(packageProblem("codex", "npm:smol-toml@1")!, /deps\/ adapters/);
});

Deno.test("importCycles() finds every cycle once, and a self-import", () => {
  const graph = new Map<string, string[]>([
    ["cli/a.ts", ["cli/b.ts"]],
    ["cli/b.ts", ["cli/c.ts", "shared/x.ts"]],
    ["cli/c.ts", ["cli/a.ts"]],
    ["shared/x.ts", []],
    ["shared/y.ts", ["shared/y.ts"]],
    ["fs/z.ts", ["fs/missing.ts"]],
  ]);
  assert.deepEqual(importCycles(graph), [["cli/a.ts", "cli/b.ts", "cli/c.ts"], ["shared/y.ts"]]);
  assert.deepEqual(importCycles(new Map([["a/x.ts", ["b/y.ts"]], ["b/y.ts", []]])), []);
});

Deno.test("importProblems() names the file, the import and the rule", () => {
  const problems = importProblems(
    new Map([
      ["run/loop.ts", ["gateway/client.ts", "codex/spawn.ts"]],
      ["gateway/client.ts", []],
      ["codex/spawn.ts", ["status/collect.ts"]],
      ["status/collect.ts", ["codex/spawn.ts"]],
    ]),
  );
  assert.deepEqual(problems, [
    "import cycle of 2 files: src/codex/spawn.ts, src/status/collect.ts",
    "src/codex/spawn.ts imports src/status/collect.ts: codex may not import status " +
    "(the direction is cli → status → {gateway, run} → codex → accounts → fs → shared)",
    "src/run/loop.ts imports src/gateway/client.ts: run and gateway are peers and never import each other",
  ]);
});

Deno.test("lengthProblem() refuses a file past 300 lines", () => {
  assert.equal(lengthProblem(300), null);
  assert.match(lengthProblem(301)!, /301 lines, more than 300/);
});

Deno.test("src/ keeps the import direction, has no import cycle and no file past 300 lines", async () => {
  assert.deepEqual(await checkSourceTree(fileURLToPath(new URL("../src", import.meta.url))), []);
});
