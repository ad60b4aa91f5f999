/**
 * `cao run --gateway` warns when the user's Codex home holds no login and the run starts the interactive Codex
 * (which asks to sign in first), and stays quiet for `codex exec` (which works through the gateway without
 * one) and for other subcommands. In-process against a harness gateway, with a fake codex that exits at once;
 * the kind of run is read from the real command lines a user types.
 */

import assert from "node:assert/strict";
import { startHarness, TEST_CONTROL_KEY } from "../gateway/gateway_harness.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

const ignore = Deno.build.os === "windows";
const WARNING = /holds no Codex login/;

const CASES: { args: string[]; warns: boolean }[] = [
  { args: ["exec", "--skip-git-repo-check", "fix it"], warns: false },
  { args: ["e", "fix it"], warns: false },
  { args: ["-m", "gpt-5", "exec", "fix it"], warns: false },
  { args: ["-m", "gpt-5", "fix it"], warns: true },
  { args: ["-m", "e", "fix it"], warns: true },
  { args: ["make the tests pass"], warns: true },
  { args: ["resume", "--last"], warns: true },
  { args: [], warns: true },
  { args: ["login", "status"], warns: false },
  { args: ["--help"], warns: false },
];

Deno.test({
  name: "cao run --gateway warns of a missing login only when it starts the interactive Codex",
  ignore,
  async fn(t) {
    await using h = await startHarness();
    await using home = await makeTempHome();
    const codex = `${home.dir}/codex.sh`;
    await Deno.writeTextFile(codex, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    for (const { args, warns } of CASES) {
      await t.step(`cao run --gateway -- ${args.join(" ")}`, async () => {
        const result = await runCaoInProcess(home, ["run", "--gateway-url", h.gateway.url, "--", ...args], {
          env: { CAO_CODEX_BIN: codex, CAO_GATEWAY_KEY: TEST_CONTROL_KEY },
          fetch: globalThis.fetch,
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(WARNING.test(result.stderr), warns, result.stderr);
      });
    }
    await Deno.writeTextFile(`${home.userHome}/.codex/auth.json`, "{}");
    await t.step("no warning once the Codex home holds a login", async () => {
      const result = await runCaoInProcess(home, ["run", "--gateway-url", h.gateway.url, "--", "fix it"], {
        env: { CAO_CODEX_BIN: codex, CAO_GATEWAY_KEY: TEST_CONTROL_KEY },
        fetch: globalThis.fetch,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, WARNING);
    });
  },
});
