/**
 * A gateway answers before anything calls the global `setTimeout`/`setInterval`: in Deno 2.9 their first
 * call loads Node's timers (11–12 ms of CPU and about 4 MiB of RSS on the start path), so the gateway's
 * timers are `shared/timers.ts`'s. Checked on the real thing: `main.ts gateway start` in a child process,
 * with a preload that reports the first call of either.
 */

import assert from "node:assert/strict";
import { CAO_PERMISSIONS, MAIN_TS, makeTempHome } from "../support/run_cao.ts";
import { pollUntil } from "../../src/shared/wait.ts";

Deno.test("gateway start answers /health without loading Node's timers", async () => {
  await using home = await makeTempHome();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...CAO_PERMISSIONS,
      "--preload",
      new URL("./fixtures/report_node_timers.ts", import.meta.url).pathname,
      MAIN_TS,
      "--data-dir",
      home.caoHome,
      "gateway",
      "start",
      "--port",
      "0",
      "--upstream",
      "http://127.0.0.1:9",
    ],
    env: { HOME: home.userHome, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderrText = new Response(child.stderr).text();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let said = "";
  const url = await pollUntil(async () => {
    const { value, done } = await stdout.read();
    if (done) return null;
    said += value;
    return said.match(/listening on (http:\/\/\S+?);/)?.[1];
  }, { timeoutMs: 30_000, intervalMs: 0 });
  try {
    assert.ok(url, `the gateway said where it listens: ${said}`);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).service, "cao-gateway");
  } finally {
    child.kill("SIGKILL");
    await stdout.cancel();
  }
  await child.status;
  const stderr = await stderrText;
  assert.doesNotMatch(stderr, /NODE-TIMERS/, stderr);
});
