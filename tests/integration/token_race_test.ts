/**
 * One refresher for real: the gateway and a real Codex CLI 0.169 started by wrapper-mode `cao run` on the same
 * pool login, both finding its access token stale at the same moment, against a token endpoint that refuses a
 * refresh token presented twice (as OpenAI's does). Codex's refresh must go to the gateway, which renews once
 * and answers everyone: no refresh token is ever spent twice and no request is refused.
 */

import assert from "node:assert/strict";
import { openCaoHome } from "../../src/accounts/cao_home.ts";
import { readAuthFile } from "../../src/codex/auth_file.ts";
import { decodeJwtPayload, readTokenClaims } from "../../src/codex/jwt.ts";
import { isAccessTokenFresh } from "../../src/codex/token_refresh.ts";
import { DEFAULT_GATEWAY_SETTINGS } from "../../src/gateway/settings.ts";
import { startGateway } from "../../src/gateway/start_gateway.ts";
import { codexAvailable } from "../support/codex_bin.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { makeRunHome, mockArgs, startCao } from "../support/run_fixture.ts";
import { waitFor } from "../support/wait.ts";
import { TEST_CONTROL_KEY, TEST_KEY } from "../gateway/gateway_harness.ts";

const ignore = !(await codexAvailable());

/** Access tokens the mock issues live this long: stale (within the 300 s margin) two seconds later. */
const LIFETIME_SECONDS = 302;
/** Rounds in the suite; `CAO_RACE_ROUNDS` raises it for a measurement (the issue measured 18). */
const ROUNDS = Number(Deno.env.get("CAO_RACE_ROUNDS") ?? 3);
const BURST = 50;

async function accessExpiry(path: string): Promise<number | null> {
  const read = await readAuthFile(path);
  if (read.kind !== "ok") return null;
  const tokens = read.auth.tokens as Record<string, string>;
  return readTokenClaims(decodeJwtPayload(tokens.access_token)).expiresAt;
}

Deno.test({
  name: "a wrapper-mode codex and 50 gateway requests refreshing one login at once: 0 reused, 0 refused",
  ignore,
  async fn() {
    await using mock = await startMockUpstream({
      refuseReuse: true,
      refresh: { kind: "rotate", lifetimeSeconds: LIFETIME_SECONDS, delayMs: 150 },
    });
    await using home = await makeRunHome([{ name: "a", accountId: "acct_a" }], mock.url);
    const authPath = `${home.caoHome}/a/auth.json`;
    const stale = fakeAuthJson({
      accountId: "acct_a",
      email: "a@example.com",
      exp: Math.floor(Date.now() / 1000) + 60,
      refreshToken: "rt_acct_a_refresh_secret_0",
    });
    await Deno.writeTextFile(authPath, JSON.stringify(stale, null, 2), { mode: 0o600 });
    await Deno.writeTextFile(
      `${home.caoHome}/gateway.json`,
      JSON.stringify({ schemaVersion: 1, proxyKey: TEST_KEY, controlKey: TEST_CONTROL_KEY }),
      { mode: 0o600 },
    );
    const logs: string[] = [];
    const gateway = await startGateway({
      home: openCaoHome(home.caoHome, () => new Date(), (m) => logs.push(`warning: ${m}`)),
      settings: { ...DEFAULT_GATEWAY_SETTINGS, port: 0, upstream: mock.url },
      keys: { control: TEST_CONTROL_KEY, proxy: TEST_KEY },
      fetch: globalThis.fetch,
      tokenUrl: `${mock.url}/oauth/token`,
      version: "test",
      log: (line) => logs.push(line),
      flushDelayMs: 10,
      reloadIntervalMs: 100,
      backoffBaseMs: 5,
      adoptWaitMs: 2000,
    });
    try {
      const statuses: number[] = [];
      const refreshCount = () => mock.requests.filter((r) => r.path === "/oauth/token").length;
      const burst = () =>
        Promise.all(Array.from({ length: BURST }, async (_, i) => {
          const res = await fetch(`${gateway.url}/k/${TEST_KEY}/responses`, {
            method: "POST",
            headers: { "content-type": "application/json", "session-id": `s${i}` },
            body: JSON.stringify({ model: "m", input: [], stream: true }),
          });
          await res.text();
          statuses.push(res.status);
        }));
      for (let round = 0; round < ROUNDS; round++) {
        await waitFor(async () => !isAccessTokenFresh(await accessExpiry(authPath), new Date()), {
          what: "the login's access token to be due for a refresh",
          timeoutMs: 15_000,
        });
        const seen = refreshCount();
        const run = startCao(home, [
          "run",
          "--account",
          "a",
          "--",
          ...mockArgs(mock.url),
          "exec",
          "--skip-git-repo-check",
          `round ${round}`,
        ]);
        // Codex's start-up refresh reaches the token endpoint (itself, or through the gateway); while it is in
        // flight (the endpoint answers after 150 ms), 50 requests need the same login.
        await waitFor(() => refreshCount() > seen, { what: "codex's refresh to start", timeoutMs: 30_000 });
        await burst();
        await burst();
        const result = await run.result;
        assert.equal(result.code, 0, `round ${round}: ${result.stderr}`);
      }
      const refreshes = mock.requests.filter((r) => r.path === "/oauth/token");
      const byCodex = refreshes.filter((r) =>
        /codex/i.test(`${r.headers.originator} ${r.headers["user-agent"]}`)
      );
      if (Deno.env.get("CAO_RACE_REPORT")) {
        const refused = statuses.filter((s) => s !== 200).length;
        await Deno.writeTextFile(
          Deno.env.get("CAO_RACE_REPORT")!,
          JSON.stringify({ rounds: ROUNDS, requests: statuses.length, refused, reused: mock.refreshReuses }) +
            "\n",
          { append: true },
        );
      }
      assert.equal(mock.refreshReuses, 0, `reused refresh tokens:\n${logs.join("\n")}`);
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
        `${statuses.length} requests, every one answered:\n${logs.slice(-20).join("\n")}`,
      );
      assert.equal(byCodex.length, 0, "Codex never refreshed on its own: its refreshes went to the gateway");
      assert.ok(refreshes.length >= ROUNDS, `the login was renewed each round (${refreshes.length})`);
      const onDisk = await readAuthFile(authPath);
      assert.equal(onDisk.kind, "ok");
      assert.equal(
        (onDisk.kind === "ok" ? onDisk.auth.tokens as Record<string, string> : {}).refresh_token,
        mock.lastIssuedRefreshToken,
        "auth.json holds the newest rotation",
      );
    } finally {
      await gateway.close();
    }
  },
});
