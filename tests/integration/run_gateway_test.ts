/**
 * `cao run --gateway` end to end: cao (a child process) runs the real Codex CLI 0.169 through a gateway, with
 * the user's own CODEX_HOME, against the loopback mock.
 */

import assert from "node:assert/strict";
import { codexAvailable, codexBinary } from "../support/codex_bin.ts";
import { findRollouts, writeCodexHome } from "../support/codex_home.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { makeTempHome, runCaoProcess, type TempHome } from "../support/run_cao.ts";
import { startHarness, TEST_CONTROL_KEY, writeAccount } from "../gateway/gateway_harness.ts";
import { openCaoHome } from "../../src/accounts/cao_home.ts";

const ignore = !(await codexAvailable());

function isolation(mockUrl: string): string[] {
  return ["-c", `chatgpt_base_url="${mockUrl}/backend-api/"`, "--disable", "unbounded_connection_retries"];
}

async function caoRun(home: TempHome, args: string[], env: Record<string, string> = {}) {
  return await runCaoProcess(home, ["run", ...args], {
    env: { CAO_CODEX_BIN: await codexBinary(), ...env },
    cwd: home.dir,
  });
}

Deno.test({
  name: "cao run --gateway --gateway-url: the user's own Codex home, one conversation across accounts",
  ignore,
  async fn() {
    await using h = await startHarness({ mock: { responses: { acct_a: ["ok", { kind: "usage_limit" }] } } });
    await using home = await makeTempHome();
    await writeCodexHome(`${home.userHome}/.codex`, { auth: { accountId: "acct_user" } });
    const env = { CAO_GATEWAY_KEY: TEST_CONTROL_KEY };
    const gateway = [
      "--gateway-url",
      h.gateway.url,
      "--",
      ...isolation(h.mock.url),
      "exec",
      "--skip-git-repo-check",
    ];
    const first = await caoRun(home, [...gateway, "first"], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /hello from acct_a/);
    const second = await caoRun(home, [...gateway, "resume", "--last", "second"], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /hello from acct_b/);
    assert.doesNotMatch(second.stderr, /usage limit|ERROR: /i);
    assert.equal(
      (await findRollouts(`${home.userHome}/.codex`)).length,
      1,
      "history stays in the user's Codex home",
    );
    const turns = h.mock.responsesRequests();
    assert.deepEqual(turns.map((r) => r.accountId), ["acct_a", "acct_a", "acct_b"]);
    assert.equal(new Set(turns.map((r) => r.headers["session-id"])).size, 1);
    const wrongKey = await caoRun(home, [...gateway, "x"], {
      CAO_GATEWAY_KEY: "sk-cao-gw-wrong-key-000000000",
    });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /does not accept this cao home's key/);
  },
});

Deno.test({
  name: "cao run --gateway starts a local gateway when none answers",
  ignore,
  async fn() {
    await using mock = await startMockUpstream();
    await using home = await makeTempHome();
    await writeCodexHome(`${home.userHome}/.codex`, { auth: null });
    const cao = openCaoHome(home.caoHome, () => new Date(), () => {});
    for (const name of ["a", "b"]) await writeAccount(cao, { name });
    const env = { CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token` };
    const saved = await runCaoProcess(home, [
      "gateway",
      "start",
      "--port",
      "0",
      "--upstream",
      mock.url,
      "--save",
      "--detach",
    ], { env });
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal((await runCaoProcess(home, ["gateway", "stop"])).code, 0);
    try {
      const run = await caoRun(home, [
        "--gateway",
        "--",
        ...isolation(mock.url),
        "exec",
        "--skip-git-repo-check",
        "hi",
      ], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /started a gateway at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(run.stdout, /hello from acct_a/);
    } finally {
      assert.equal((await runCaoProcess(home, ["gateway", "stop"])).code, 0);
    }
  },
});

Deno.test({
  name: "cao run --gateway on a machine where Codex never ran creates ~/.codex, or says what to create",
  ignore,
  async fn() {
    await using h = await startHarness({ mock: { responses: { acct_a: "ok" } } });
    await using home = await makeTempHome();
    await Deno.remove(`${home.userHome}/.codex`, { recursive: true });
    const args = [
      "--gateway-url",
      h.gateway.url,
      "--",
      ...isolation(h.mock.url),
      "exec",
      "--skip-git-repo-check",
      "hi",
    ];
    const env = { CAO_GATEWAY_KEY: TEST_CONTROL_KEY };
    const missing = `${home.dir}/nowhere`;
    const refused = await caoRun(home, args, { ...env, CODEX_HOME: missing });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Cannot run codex with CODEX_HOME ".*nowhere": it does not exist/);
    assert.match(refused.stderr, /hint: create it with mkdir -p/);
    const fresh = await caoRun(home, args, { ...env, CODEX_HOME: "" });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stderr, /cao: created .*\/\.codex \(Codex has not run on this machine yet\)/);
    assert.match(fresh.stdout, /hello from acct_a/);
    assert.ok((await Deno.stat(`${home.userHome}/.codex`)).isDirectory);
  },
});
