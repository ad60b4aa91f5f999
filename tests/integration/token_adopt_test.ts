/**
 * A second refresher cao cannot route: the user's own `codex` (real Codex CLI 0.169, `~/.codex`) holding a
 * pool login imported from it, refreshing straight at a token endpoint that refuses reuse while the gateway
 * needs the same login. The gateway's refresh is refused (`refresh_token_reused`); it must wait for Codex's
 * write, adopt those tokens, answer every request and never mark the account dead.
 */

import assert from "node:assert/strict";
import { loadStatusFile } from "../../src/accounts/status_store.ts";
import { readAuthFile } from "../../src/codex/auth_file.ts";
import { codexAvailable, runCodex } from "../support/codex_bin.ts";
import { codexArgsForMock, codexEnv, writeCodexHome } from "../support/codex_home.ts";
import { startHarness } from "../gateway/gateway_harness.ts";
import { waitFor } from "../support/wait.ts";

const ignore = !(await codexAvailable());

Deno.test({
  name:
    "after refresh_token_reused the gateway adopts what the other Codex wrote: every request answered, no dead mark",
  ignore,
  async fn() {
    const login = {
      accountId: "acct_a",
      email: "a@example.com",
      exp: Math.floor(Date.now() / 1000) + 60,
      refreshToken: "rt_acct_a_refresh_secret_0",
    };
    await using h = await startHarness({
      accounts: [{ name: "a", auth: login }],
      userAuth: login,
      mock: { refuseReuse: true, refresh: { kind: "rotate", delayMs: 600 } },
      adoptWaitMs: 5000,
    });
    await h.gateway.sync.reload();
    const userHome = h.userAuthPath.replace(/\/auth\.json$/, "");
    await writeCodexHome(userHome, { auth: login });
    const workdir = await Deno.makeTempDir({ dir: h.dir });
    const codex = runCodex([
      ...codexArgsForMock(h.mock.url),
      "exec",
      "--skip-git-repo-check",
      "hello",
    ], { cwd: workdir, env: codexEnv(userHome, h.mock.url), timeoutMs: 60_000 });
    await waitFor(
      () =>
        h.mock.requests.some((r) => r.path === "/oauth/token" && /codex/.test(r.headers.originator ?? "")),
      { what: "the user's codex to start its own refresh", timeoutMs: 30_000 },
    );
    const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const res = await h.respond({ session: `s${i}` });
      await res.text();
      return res.status;
    }));
    const run = await codex;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(answers.filter((s) => s !== 200), [], h.logs.join("\n"));
    assert.equal(h.mock.refreshReuses, 1, "only the gateway's one refused refresh");
    await h.gateway.sync.flush();
    const a = (await loadStatusFile(h.home)).accounts.a;
    assert.equal(a?.needsRelogin ?? false, false, JSON.stringify(a));
    const own = await readAuthFile(h.home.paths.authFile("a"));
    assert.equal(own.kind, "ok");
    assert.equal(
      (own.kind === "ok" ? own.auth.tokens as Record<string, string> : {}).refresh_token,
      h.mock.lastIssuedRefreshToken,
      "the account adopted the rotation Codex wrote",
    );
  },
});
