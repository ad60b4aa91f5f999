/**
 * The real Codex CLI 0.169 through the gateway, routed the way `cao run --gateway` routes it
 * (`gatewayCodexArgs`, `gatewayCodexEnv`), with the loopback mock as OpenAI.
 */

import assert from "node:assert/strict";
import { decodeJwtPayload, readTokenClaims } from "../../src/codex/jwt.ts";
import { gatewayCodexEnv } from "../../src/gateway/client.ts";
import { codexAvailable } from "../support/codex_bin.ts";
import { makeCodexHome } from "../support/codex_home.ts";
import type { RecordedRequest } from "../support/mock_upstream.ts";
import { codexExecThroughGateway, type Harness, startHarness, TEST_KEY } from "../gateway/gateway_harness.ts";

const ignore = !(await codexAvailable());

const codexExec = (h: Harness, home: { home: string; workdir: string }, args: string[]) =>
  codexExecThroughGateway(h, home, args, {
    env: gatewayCodexEnv(h.gateway.url, TEST_KEY),
    timeoutMs: 60_000,
  });

function identityOf(request: RecordedRequest): string | null {
  const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  return readTokenClaims(decodeJwtPayload(token)).accountId;
}

Deno.test({
  name: "codex through the gateway: a limit mid-conversation moves the next turn without Codex noticing",
  ignore,
  async fn() {
    await using h = await startHarness({ mock: { responses: { acct_a: ["ok", { kind: "usage_limit" }] } } });
    await using user = await makeCodexHome({ auth: { accountId: "acct_user" } });
    const first = await codexExec(h, user, ["first turn"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /hello from acct_a/);
    const second = await codexExec(h, user, ["resume", "--last", "second turn"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /hello from acct_b/);
    assert.doesNotMatch(second.stderr, /usage limit|ERROR: /i);

    const turns = h.mock.responsesRequests();
    assert.deepEqual(turns.map((r) => r.accountId), ["acct_a", "acct_a", "acct_b"]);
    assert.equal(new Set(turns.map((r) => r.headers["session-id"])).size, 1, "one session id throughout");
    for (const request of h.mock.requests.filter((r) => r.path === "/responses" || r.path === "/models")) {
      assert.equal(
        identityOf(request),
        request.accountId,
        `${request.method} ${request.path}: token and account id agree`,
      );
      assert.notEqual(request.accountId, "acct_user", "the caller's identity never passes");
    }
    assert.equal(
      h.mock.requests.some((r) => r.answer === "websocket_426"),
      false,
      "the gateway answered the upgrade",
    );
    assert.equal(turns[2].headers["content-encoding"], undefined, "the moved request was rewritten");
    assert.equal(turns[0].headers["content-encoding"], "zstd", "other requests are forwarded as sent");
    assert.ok(h.logs.some((l) => /POST \/responses 200 .*switch=a->b/.test(l)), h.logs.join("\n"));
  },
});

Deno.test({
  name: "codex through the gateway: with every account limited Codex shows when to come back",
  ignore,
  async fn() {
    const resetsAt = Math.floor(Date.now() / 1000) + 3 * 3600;
    await using h = await startHarness({
      mock: {
        responses: {
          acct_a: { kind: "usage_limit", resetsAt: resetsAt + 600 },
          acct_b: { kind: "usage_limit", resetsAt },
        },
      },
    });
    await using user = await makeCodexHome({ auth: null });
    const run = await codexExec(h, user, ["hello"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /You’ve hit your usage limit\..*try again at/);
    assert.equal(h.mock.responsesRequests().length, 2);
  },
});

Deno.test({
  name: "codex without a login of its own works through the gateway and never sees a 401",
  ignore,
  async fn() {
    await using h = await startHarness({
      mock: {
        responses: { acct_a: [{ kind: "status", status: 401 }, "ok"] },
        refresh: { kind: "rotate", auth: { email: "new@example.com" } },
      },
    });
    await using user = await makeCodexHome({ auth: null });
    const run = await codexExec(h, user, ["hello"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /hello from acct_a/);
    assert.equal(h.mock.refreshCalls, 1);
    await assert.rejects(Deno.stat(`${user.home}/auth.json`), Deno.errors.NotFound);
  },
});
