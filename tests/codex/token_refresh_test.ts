/**
 * The shared token refresher: classification of refusals, the rewrite of auth.json, and the one-owner rules
 * (Codex's `auth.lock`, re-read under it, adopt what someone else rotated) against the loopback mock
 * upstream's `/oauth/token`.
 */

import assert from "node:assert/strict";
import {
  applyRefreshAnswer,
  classifyRefreshRefusal,
  DEFAULT_REFRESH_TOKEN_URL,
  refreshAccountTokens,
  type RefreshRequest,
  refreshTokenUrl,
} from "../../src/codex/token_refresh.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";

const NOW = new Date("2026-11-21T12:00:00.000Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);

async function tempAccount(
  auth: Record<string, unknown> | null,
): Promise<{ dir: string; authPath: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "cao-refresh-" });
  const authPath = `${dir}/auth.json`;
  if (auth) await Deno.writeTextFile(authPath, JSON.stringify(auth, null, 2), { mode: 0o600 });
  return { dir, authPath, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

// deno-lint-ignore no-explicit-any
async function readAuth(path: string): Promise<any> {
  return JSON.parse(await Deno.readTextFile(path));
}

function request(authPath: string, tokenUrl: string, extra: Partial<RefreshRequest> = {}): RefreshRequest {
  return { authPath, tokenUrl, fetch: globalThis.fetch, now: () => NOW, ...extra };
}

Deno.test("refreshTokenUrl() honours CODEX_REFRESH_TOKEN_URL_OVERRIDE", () => {
  assert.equal(refreshTokenUrl(() => undefined), DEFAULT_REFRESH_TOKEN_URL);
  assert.equal(refreshTokenUrl(() => ""), "https://auth.openai.com/oauth/token");
  assert.equal(
    refreshTokenUrl((n) => n === "CODEX_REFRESH_TOKEN_URL_OVERRIDE" ? "http://127.0.0.1:9/t" : undefined),
    "http://127.0.0.1:9/t",
  );
});

Deno.test("classifyRefreshRefusal() tells dead logins from transient failures", () => {
  const code = (c: string) => ({ error: { code: c, message: "…" } });
  for (
    const c of ["refresh_token_reused", "refresh_token_expired", "refresh_token_invalidated", "invalid_grant"]
  ) {
    assert.equal(classifyRefreshRefusal(400, code(c)).kind, "needs-relogin", c);
    assert.match(classifyRefreshRefusal(401, code(c)).reason, new RegExp(c));
  }
  assert.equal(classifyRefreshRefusal(400, { error: "invalid_grant" }).kind, "needs-relogin");
  assert.equal(classifyRefreshRefusal(401, "nope").kind, "needs-relogin");
  assert.equal(classifyRefreshRefusal(500, "oops").kind, "failed");
  assert.equal(classifyRefreshRefusal(429, code("rate_limited")).kind, "failed");
});

Deno.test("applyRefreshAnswer() replaces the tokens and keeps every other field", () => {
  const auth = fakeAuthJson({ extra: { agent_identity: { x: 1 }, auth_mode: "chatgpt" } });
  const updated = applyRefreshAnswer(auth, { access_token: "new-access", id_token: "new-id" }, NOW);
  const tokens = updated.tokens as Record<string, string>;
  assert.equal(tokens.access_token, "new-access");
  assert.equal(tokens.id_token, "new-id");
  assert.equal(tokens.refresh_token, "rt_acct_test_refresh_secret_0", "kept when the answer has none");
  assert.equal(tokens.account_id, "acct_test");
  assert.deepEqual(updated.agent_identity, { x: 1 });
  assert.equal(updated.auth_mode, "chatgpt");
  assert.equal(updated.last_refresh, NOW.toISOString());
});

Deno.test("refreshAccountTokens() rotates through the token endpoint and rewrites auth.json 0600", async () => {
  await using mock = await startMockUpstream();
  await using account = await tempAccount(
    fakeAuthJson({ accountId: "acct_a", exp: NOW_S - 10, extra: { keep: "me" } }),
  );
  const outcome = await refreshAccountTokens(
    request(account.authPath, `${mock.url}/oauth/token`, { userAgent: "cao/test" }),
  );
  assert.equal(outcome.kind, "refreshed");
  const auth = await readAuth(account.authPath);
  assert.equal(auth.tokens.refresh_token, "rt_acct_a_refresh_secret_0_gen1");
  assert.equal(auth.keep, "me");
  assert.equal(auth.last_refresh, NOW.toISOString());
  if (outcome.kind === "refreshed") {
    assert.equal(outcome.tokens.accessToken, auth.tokens.access_token);
    assert.equal(outcome.tokens.accountId, "acct_a");
    assert.ok(outcome.tokens.expiresAt! > NOW_S);
  }
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(account.authPath)).mode! & 0o777, 0o600);
  const call = mock.requests.find((r) => r.path === "/oauth/token")!;
  assert.deepEqual(call.body, {
    client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    grant_type: "refresh_token",
    refresh_reason: "proactive_expiry",
    refresh_token: "rt_acct_a_refresh_secret_0",
  });
  assert.equal(call.headers["content-type"], "application/json");
  assert.equal(call.headers["user-agent"], "cao/test");
});

Deno.test("refreshAccountTokens() classifies refresh_token_reused as needs-relogin and leaves auth.json alone", async () => {
  await using mock = await startMockUpstream({ refresh: { kind: "reused" } });
  const original = fakeAuthJson({ exp: NOW_S - 10 });
  await using account = await tempAccount(original);
  const outcome = await refreshAccountTokens(request(account.authPath, `${mock.url}/oauth/token`));
  assert.deepEqual(outcome, {
    kind: "needs-relogin",
    reason: "the refresh token was already used (refresh_token_reused)",
    code: "refresh_token_reused",
  });
  assert.deepEqual(await readAuth(account.authPath), original);
});

Deno.test("refreshAccountTokens() adopts instead of refreshing when it can", async (t) => {
  await using mock = await startMockUpstream();
  const tokenUrl = `${mock.url}/oauth/token`;
  await t.step("a still-valid token is adopted", async () => {
    await using account = await tempAccount(fakeAuthJson({ exp: NOW_S + 3600 }));
    const outcome = await refreshAccountTokens(request(account.authPath, tokenUrl));
    assert.equal(outcome.kind, "adopted");
  });
  await t.step("a token other than the refused one is adopted", async () => {
    await using account = await tempAccount(fakeAuthJson({ exp: NOW_S - 10 }));
    const outcome = await refreshAccountTokens(
      request(account.authPath, tokenUrl, {
        rejectedAccessToken: "some-older-token",
        reason: "unauthorized_recovery",
      }),
    );
    assert.equal(outcome.kind, "adopted");
  });
  assert.equal(mock.refreshCalls, 0);
  await t.step("the refused token itself is refreshed even when its exp looks valid", async () => {
    const auth = fakeAuthJson({ exp: NOW_S + 3600 });
    await using account = await tempAccount(auth);
    const rejected = (auth.tokens as Record<string, string>).access_token;
    const outcome = await refreshAccountTokens(
      request(account.authPath, tokenUrl, { rejectedAccessToken: rejected, reason: "unauthorized_recovery" }),
    );
    assert.equal(outcome.kind, "refreshed");
    assert.equal(
      (mock.requests.at(-1)!.body as Record<string, string>).refresh_reason,
      "unauthorized_recovery",
    );
  });
});

Deno.test("refreshAccountTokens() has one owner: concurrent callers refresh once, a holder of auth.lock wins", async (t) => {
  await using mock = await startMockUpstream();
  const tokenUrl = `${mock.url}/oauth/token`;
  await t.step("two concurrent refreshes of the same refused token make one request", async () => {
    const auth = fakeAuthJson({ exp: NOW_S - 10 });
    await using account = await tempAccount(auth);
    const rejected = (auth.tokens as Record<string, string>).access_token;
    const outcomes = await Promise.all(
      [1, 2].map(() =>
        refreshAccountTokens(request(account.authPath, tokenUrl, { rejectedAccessToken: rejected }))
      ),
    );
    assert.deepEqual(outcomes.map((o) => o.kind).sort(), ["adopted", "refreshed"]);
    assert.equal(mock.refreshCalls, 1);
    const tokens = outcomes.map((o) =>
      o.kind === "refreshed" || o.kind === "adopted" ? o.tokens.accessToken : ""
    );
    assert.equal(tokens[0], tokens[1]);
  });
  await t.step(
    "a refresh waits for whoever holds auth.lock (as Codex does) and adopts its rotation",
    async () => {
      const before = mock.refreshCalls;
      await using account = await tempAccount(fakeAuthJson({ exp: NOW_S - 10 }));
      const lock = await Deno.open(`${account.dir}/auth.lock`, { read: true, write: true, create: true });
      await lock.lock(true);
      const pending = refreshAccountTokens(request(account.authPath, tokenUrl));
      // "Codex" rotates while holding the lock, then lets go.
      await Deno.writeTextFile(
        account.authPath,
        JSON.stringify(fakeAuthJson({ exp: NOW_S + 86_400, refreshToken: "rt_rotated_by_codex" })),
      );
      await lock.unlock();
      lock.close();
      const outcome = await pending;
      assert.equal(outcome.kind, "adopted");
      assert.equal(mock.refreshCalls, before);
      assert.equal((await readAuth(account.authPath)).tokens.refresh_token, "rt_rotated_by_codex");
    },
  );
});

Deno.test("refreshAccountTokens() reports dead logins and transient failures without throwing", async (t) => {
  await using mock = await startMockUpstream({ refresh: { kind: "status", status: 503, body: "busy" } });
  const tokenUrl = `${mock.url}/oauth/token`;
  await t.step("no auth.json", async () => {
    await using account = await tempAccount(null);
    assert.equal((await refreshAccountTokens(request(account.authPath, tokenUrl))).kind, "needs-relogin");
  });
  await t.step("no refresh token", async () => {
    const auth = fakeAuthJson({ exp: NOW_S - 10 });
    delete (auth.tokens as Record<string, string>).refresh_token;
    await using account = await tempAccount(auth);
    assert.deepEqual(await refreshAccountTokens(request(account.authPath, tokenUrl)), {
      kind: "needs-relogin",
      reason: "auth.json holds no refresh token",
    });
  });
  await t.step("unreadable auth.json", async () => {
    await using account = await tempAccount(null);
    await Deno.writeTextFile(account.authPath, "{ nope");
    assert.equal((await refreshAccountTokens(request(account.authPath, tokenUrl))).kind, "failed");
  });
  await t.step("5xx", async () => {
    await using account = await tempAccount(fakeAuthJson({ exp: NOW_S - 10 }));
    const outcome = await refreshAccountTokens(request(account.authPath, tokenUrl));
    assert.deepEqual(outcome, { kind: "failed", reason: "the token endpoint answered 503" });
  });
  await t.step("nothing listening", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await using account = await tempAccount(fakeAuthJson({ exp: NOW_S - 10 }));
    const outcome = await refreshAccountTokens(
      request(account.authPath, `http://127.0.0.1:${port}/oauth/token`),
    );
    assert.equal(outcome.kind, "failed");
    assert.match(outcome.kind === "failed" ? outcome.reason : "", /cannot reach the token endpoint/);
  });
});
