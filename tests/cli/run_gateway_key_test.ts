/**
 * `cao run --gateway` in-process against a harness gateway and a fake codex (a shell script that records its
 * command line and environment, then waits for the test): the key on Codex's command line, which every local
 * user can read, is a per-run key that works while the run lives, never the long-lived gateway key.
 */

import assert from "node:assert/strict";
import { startHarness, TEST_CONTROL_KEY, TEST_KEY } from "../gateway/gateway_harness.ts";
import { waitFor, within } from "../support/wait.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

const ignore = Deno.build.os === "windows";

/** The text of `path` once the fake codex has written a whole line to it. */
async function waitForFile(path: string): Promise<string> {
  return await waitFor(
    async () => {
      const text = await Deno.readTextFile(path).catch(() => "");
      return text.endsWith("\n") ? text : null;
    },
    { what: `the fake codex to write ${path}` },
  );
}

Deno.test({
  name: "cao run --gateway puts a per-run key on Codex's command line, never the gateway key",
  ignore,
  async fn() {
    await using h = await startHarness();
    await using home = await makeTempHome();
    const codex = `${home.dir}/codex.sh`;
    await Deno.writeTextFile(
      codex,
      `#!/bin/sh
echo "$*" > "${home.dir}/args.txt.tmp" && mv "${home.dir}/args.txt.tmp" "${home.dir}/args.txt"
echo "$CODEX_REFRESH_TOKEN_URL_OVERRIDE" > "${home.dir}/env.txt"
i=0
while [ ! -f "${home.dir}/done" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
exit 7
`,
      { mode: 0o755 },
    );
    const run = runCaoInProcess(
      home,
      ["run", "--gateway-url", h.gateway.url, "--", "exec", "--skip-git-repo-check", "hi"],
      { env: { CAO_CODEX_BIN: codex, CAO_GATEWAY_KEY: TEST_CONTROL_KEY }, fetch: globalThis.fetch },
    );
    const args = await waitForFile(`${home.dir}/args.txt`);
    const env = await waitForFile(`${home.dir}/env.txt`);
    for (const key of [TEST_KEY, TEST_CONTROL_KEY]) {
      assert.equal(args.includes(key), false, "no gateway key is on the command line");
      assert.equal(env.includes(key), false);
    }
    const runKey = args.match(
      /openai_base_url="http:\/\/127\.0\.0\.1:\d+\/k\/(sk-cao-gw-run-[A-Za-z0-9_-]+)"/,
    )
      ?.[1];
    assert.ok(runKey, args);
    assert.equal(env.trim(), `${h.gateway.url}/k/${runKey}/oauth/token`);
    const during = await fetch(`${h.gateway.url}/k/${runKey}/models`);
    assert.equal(during.status, 200, "the per-run key works while the run lives");
    await during.body?.cancel();
    await Deno.writeTextFile(`${home.dir}/done`, "");
    const result = await within(run, 20_000, "cao run to end");
    assert.equal(result.code, 7, result.stderr);
    await waitFor(() => h.gateway.runKeys.size === 0, { what: "the gateway to forget the per-run key" });
    const after = await fetch(`${h.gateway.url}/k/${runKey}/models`);
    assert.equal(after.status, 400, "the per-run key ends with the run");
    await after.body?.cancel();
  },
});
