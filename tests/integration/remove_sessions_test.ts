/**
 * `cao remove` keeps the conversations of the account it removes when they cannot be moved into the user's
 * Codex home: it says which file could not move and why, keeps the removed home parked with them, and the
 * next command finishes the move once the way is clear. main.ts as a child process, real files.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoProcess } from "../support/run_cao.ts";

const ROLLOUT = "sessions/2026/11/21/rollout-2026-11-21T10-00-00-0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000.jsonl";

Deno.test({
  name: "cao remove loses no conversation when one cannot be moved, and the next command finishes the move",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await makeTempHome();
    for (const name of ["work", "spare"]) {
      const added = await runCaoProcess(home, ["add", name, "--no-login"]);
      assert.equal(added.code, 0, added.stderr);
    }
    const source = `${home.caoHome}/work/${ROLLOUT}`;
    await Deno.mkdir(source.slice(0, source.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(source, '{"type":"session_meta"}\n');
    const target = `${home.userHome}/.codex/${ROLLOUT}`;
    await Deno.mkdir(`${target}/in-the-way`, { recursive: true });

    const removed = await runCaoProcess(home, ["remove", "work", "--yes"]);
    assert.equal(removed.code, 1, removed.stderr);
    const lines = removed.stderr.trim().split("\n");
    assert.match(
      lines[0],
      /^error: Cannot move ".*\/work\.removed-[^/]*\/sessions\/2026\/11\/21\/rollout-[^"]*": ".*" is a directory$/,
    );
    assert.match(lines[1], /^hint: move ".*" out of the way/);
    assert.equal(lines.length, 2, removed.stderr);
    const parked = (await Array.fromAsync(Deno.readDir(home.caoHome))).find((e) =>
      e.name.startsWith("work.removed-")
    );
    assert.ok(parked, "the removed home stays parked");
    assert.equal(
      await Deno.readTextFile(`${home.caoHome}/${parked.name}/${ROLLOUT}`),
      '{"type":"session_meta"}\n',
      "the conversation is kept",
    );

    await Deno.remove(target, { recursive: true });
    const next = await runCaoProcess(home, ["list"]);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /completed an interrupted remov/);
    assert.equal(await Deno.readTextFile(target), '{"type":"session_meta"}\n', "moved once the way is clear");
    await assert.rejects(() => Deno.stat(`${home.caoHome}/${parked.name}`), Deno.errors.NotFound);
    assert.doesNotMatch(next.stdout, /\bwork\b/);
  },
});
