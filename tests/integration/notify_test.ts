/**
 * Notifications and healing end to end: the real Codex CLI 0.169 through a real background gateway (and in
 * wrapper mode), the loopback mock as OpenAI, a fake `notify-send` first on PATH and a loopback webhook
 * receiver. A limit makes exactly one "moved" notification; the cooldown one "usable again" when it heals.
 */

import assert from "node:assert/strict";
import { openCaoHome } from "../../src/accounts/cao_home.ts";
import { codexAvailable, codexBinary } from "../support/codex_bin.ts";
import { writeCodexHome } from "../support/codex_home.ts";
import { fakeNotifySend, startWebhookReceiver } from "../support/fake_notifier.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { makeRunHome, mockArgs } from "../support/run_fixture.ts";
import { makeTempHome, runCaoInProcess, runCaoProcess, type TempHome } from "../support/run_cao.ts";
import { waitFor } from "../support/wait.ts";
import { writeAccount } from "../gateway/gateway_harness.ts";

const ignore = !(await codexAvailable());

async function statusOf(home: TempHome, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(`${home.caoHome}/account_status.json`)).accounts[name] ?? {};
}

function titles(calls: string[][]): string[] {
  return calls.map((args) => args[2]);
}

Deno.test({
  name: "gateway + real Codex: a limit notifies one move; the healed cooldown one usable-again, not before",
  ignore,
  async fn() {
    const resetsAt = Math.floor(Date.now() / 1000) + 3 * 3600;
    await using mock = await startMockUpstream({
      responses: { acct_a: ["ok", { kind: "usage_limit", resetsAt }] },
      usage: {
        acct_a: { kind: "ok", primary: { usedPercent: 100, limitWindowSeconds: 18000, resetAt: resetsAt } },
      },
    });
    await using home = await makeTempHome();
    await using fake = await fakeNotifySend();
    await using receiver = await startWebhookReceiver();
    await writeCodexHome(`${home.userHome}/.codex`, { auth: null });
    const cao = openCaoHome(home.caoHome, () => new Date(), () => {});
    for (const name of ["a", "b"]) await writeAccount(cao, { name });
    for (const [key, value] of [["desktop", "on"], ["webhook", `${receiver.url}/hook`]]) {
      assert.equal((await runCaoInProcess(home, ["notify", "set", key, value])).code, 0);
    }
    const env = {
      PATH: fake.path,
      CAO_CODEX_BIN: await codexBinary(),
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token`,
      CAO_CHATGPT_BASE_URL: `${mock.url}/backend-api`,
      CAO_COOLDOWN_PROBE_SECONDS: "0.2",
    };
    const started = await runCaoProcess(home, [
      "gateway",
      "start",
      "--port",
      "0",
      "--upstream",
      mock.url,
      "--detach",
    ], {
      env,
    });
    assert.equal(started.code, 0, started.stderr);
    try {
      const codex = [
        "-c",
        `chatgpt_base_url="${mock.url}/backend-api/"`,
        "--disable",
        "unbounded_connection_retries",
      ];
      const run = (...args: string[]) =>
        runCaoProcess(home, ["run", "--gateway", "--", ...codex, "exec", "--skip-git-repo-check", ...args], {
          env,
          cwd: home.dir,
        });
      const first = await run("first");
      assert.equal(first.code, 0, first.stderr);
      const second = await run("resume", "--last", "second");
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /hello from acct_b/);

      const moved = (t: string) => t === 'cao: work moved from "a" to "b"';
      await waitFor(async () => titles(await fake.calls()).some(moved), { what: "the moved notification" });
      const probes = () =>
        mock.requests.filter((r) => r.path.endsWith("/wham/usage") && r.accountId === "acct_a");
      await waitFor(() => probes().length >= 2, { what: "two probes of a", timeoutMs: 20_000 });
      assert.equal(
        (await statusOf(home, "a")).cooldownUntil,
        new Date(resetsAt * 1000).toISOString(),
        "not before",
      );

      mock.setUsage("acct_a", {
        kind: "ok",
        primary: { usedPercent: 20, limitWindowSeconds: 18000, resetAt: resetsAt },
      });
      await waitFor(async () => (await statusOf(home, "a")).cooldownUntil === null, {
        what: "the gateway to heal a's cooldown",
        timeoutMs: 20_000,
      });
      const usable = (t: string) => t === 'cao: "a" is usable again';
      await waitFor(async () => titles(await fake.calls()).some(usable), {
        what: "the usable-again notification",
      });
      const hookKinds = () => receiver.received.map((r) => (r.body as { kind: string }).kind);
      await waitFor(() => hookKinds().includes("usable-again"), { what: "the usable-again webhook" });
      const shown = titles(await fake.calls());
      assert.equal(shown.filter(moved).length, 1, shown.join("\n"));
      assert.equal(shown.filter(usable).length, 1, shown.join("\n"));
      const hooks = hookKinds();
      assert.equal(hooks.filter((k) => k === "moved").length, 1);
      assert.equal(hooks.filter((k) => k === "usable-again").length, 1);

      const full = await runCaoInProcess(home, ["status", "--full"]);
      assert.match(
        full.stdout,
        /cooldown\s+not cooling down; last one cleared .* by gateway \(pid \d+\): the usage endpoint/,
      );
      const compact = await runCaoInProcess(home, ["status", "--compact"]);
      assert.match(
        compact.stdout,
        /^\*\s+a\s+ready .*cooldown cleared .* ago: the usage endpoint showed room/m,
      );
    } finally {
      assert.equal((await runCaoProcess(home, ["gateway", "stop"], { env })).code, 0);
    }
  },
});

Deno.test({
  name: "cao run + real Codex: a limit notifies one move; the reset passing one usable-again",
  ignore,
  async fn() {
    // Far enough ahead that a slow first run (a loaded machine) still finds it in the future.
    const resetsAt = Math.floor(Date.now() / 1000) + 15;
    await using mock = await startMockUpstream({
      responses: { acct_a: [{ kind: "usage_limit", resetsAt }, "ok"], acct_b: "ok" },
    });
    await using home = await makeRunHome([{ name: "a", accountId: "acct_a" }, {
      name: "b",
      accountId: "acct_b",
    }], mock.url);
    await using fake = await fakeNotifySend();
    assert.equal((await runCaoInProcess(home, ["notify", "set", "desktop", "on"])).code, 0);
    const env = { ...home.env, PATH: fake.path };
    const run = (prompt: string) =>
      runCaoProcess(home, ["run", "--", ...mockArgs(mock.url), "exec", "--skip-git-repo-check", prompt], {
        env,
        cwd: home.workdir,
      });
    const limited = await run("say hi");
    assert.equal(limited.code, 0, limited.stderr);
    assert.equal(limited.stdout.trim(), "hello from acct_b");
    assert.deepEqual(titles(await fake.calls()), ['cao: work moved from "a" to "b"']);
    assert.match(
      (await fake.calls())[0][3],
      /"a" is limited until .*; cao run continues the conversation on "b"/,
    );

    await waitFor(() => Date.now() > (resetsAt + 1) * 1000, { what: "a's reset to pass", timeoutMs: 30_000 });
    const again = await run("hello again");
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), "hello from acct_a", "the default account is used again");
    assert.deepEqual(titles(await fake.calls()), [
      'cao: work moved from "a" to "b"',
      'cao: "a" is usable again',
    ]);
    assert.equal((await statusOf(home, "a")).cooldownCleared !== null, true);
  },
});
