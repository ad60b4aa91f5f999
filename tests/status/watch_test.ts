/**
 * `cao status --watch`: the redraw loop on its own, and a real `main.ts` child that redraws until it gets
 * SIGINT (Ctrl-C) and then exits 130.
 */

import assert from "node:assert/strict";
import { watchLoop } from "../../src/cli/status.ts";
import { caoChild, makeTempHome } from "../support/run_cao.ts";
import { writeFourAccounts } from "./status_fixture.ts";

Deno.test("watchLoop() redraws in place until its signal aborts", async () => {
  const controller = new AbortController();
  const written: string[] = [];
  let frames = 0;
  await watchLoop(
    () => {
      frames++;
      if (frames === 3) controller.abort();
      return Promise.resolve([`frame ${frames}`]);
    },
    (text) => written.push(text),
    { intervalMs: 1, signal: controller.signal },
  );
  assert.deepEqual(written, ["\x1b[H\x1b[2Jframe 1\n", "\x1b[H\x1b[2Jframe 2\n"]);
});

Deno.test({
  name: "cao status --watch redraws until Ctrl-C and exits 130",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using home = await makeTempHome();
    await writeFourAccounts(home);
    const child = caoChild(home, ["status", "--watch", "0.2"]);
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while ((seen.match(/Ctrl-C to stop/g) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const status = await child.status;
    assert.equal(status.code, 130, await stderr);
    assert.ok(seen.startsWith("\x1b[H\x1b[2J"), "each frame clears the screen first");
    assert.ok(seen.includes("● work  (default)"), seen.slice(0, 400));
    assert.match(seen, /every 0\.2s · Ctrl-C to stop/);
  },
});
