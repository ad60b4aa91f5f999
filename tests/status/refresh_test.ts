/**
 * `cao status --refresh` against a loopback usage endpoint: a healthy account, one limited at 100 %, one
 * that never answers (timeout), one whose login is dead (refresh refused), one whose expired token is
 * renewed first, and one whose token is refused once (renew and retry). Also the same run as a real child
 * process through `CAO_CHATGPT_BASE_URL` and `CODEX_REFRESH_TOKEN_URL_OVERRIDE`.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess, runCaoProcess, type TempHome } from "../support/run_cao.ts";
import { at, iso, NOW, status, writeAccount, writeRegistry, writeStatuses } from "./status_fixture.ts";
import { startUsageMock, usageBody, type UsageMock } from "./usage_mock.ts";

const NAMES = ["fresh", "limited", "slow", "dead", "renew", "retry"];

async function writeRefreshHome(home: TempHome): Promise<void> {
  const cao = home.caoHome;
  await writeRegistry(cao, NAMES);
  for (const name of ["fresh", "limited", "slow", "retry"]) {
    await writeAccount(cao, name, { email: `${name}@example.com`, accountId: `acct_${name}` });
  }
  await writeAccount(cao, "dead", { email: "dead@example.com", accountId: "acct_dead", exp: at(-60) });
  await writeAccount(cao, "renew", {
    email: "renew@example.com",
    accountId: "acct_renew",
    exp: at(-3600),
    extra: { agent_identity: { kept: true } },
  });
  await writeStatuses(cao, {
    fresh: status({ cooldownUntil: iso(600) }),
    renew: status({ needsRelogin: true, needsReloginReason: "an earlier refresh failed" }),
  });
}

function startMock(): Promise<UsageMock> {
  const ok = usageBody({ used: 40, resetAt: at(7800) }, { used: 12, resetAt: at(356_400) });
  return startUsageMock({
    acct_fresh: { kind: "ok", body: ok },
    acct_limited: {
      kind: "ok",
      body: usageBody({ used: 100, resetAt: at(3600) }, { used: 70, resetAt: at(86_400) }),
    },
    acct_slow: { kind: "hang" },
    acct_dead: { kind: "ok", body: ok },
    acct_renew: { kind: "ok", body: usageBody({ used: 5, resetAt: at(9000) }, null, "pro") },
    acct_retry: { kind: "unauthorized-once", body: ok },
  }, {
    rt_acct_renew_refresh_secret_0: { kind: "rotate", accountId: "acct_renew", email: "renew@example.com" },
    rt_acct_retry_refresh_secret_0: { kind: "rotate", accountId: "acct_retry", email: "retry@example.com" },
    rt_acct_dead_refresh_secret_0: { kind: "reused" },
  });
}

// deno-lint-ignore no-explicit-any
async function readJson(path: string): Promise<Record<string, any>> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("status --refresh records usage, cooldowns and dead logins; a timeout is only a warning", async () => {
  await using home = await makeTempHome();
  await writeRefreshHome(home);
  await using mock = await startMock();
  const before = await readJson(`${home.caoHome}/retry/auth.json`);

  const result = await runCaoInProcess(home, ["status", "--refresh", "--timeout", "0.5", "--json"], {
    now: NOW,
    fetch: globalThis.fetch,
    env: {
      CAO_CHATGPT_BASE_URL: `${mock.url}/backend-api`,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token`,
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /warning: cannot refresh the usage of "slow": the usage endpoint did not answer within 0\.5s/,
  );
  assert.doesNotMatch(result.stderr, /"dead"|"renew"|"retry"|"limited"|"fresh"/);

  const shown = JSON.parse(result.stdout);
  const byName = Object.fromEntries(shown.accounts.map((a: { name: string }) => [a.name, a]));
  assert.equal(byName.fresh.state, "ready", "an early reset clears the cooldown");
  assert.equal(byName.fresh.usage.source, "usage-endpoint");
  assert.equal(byName.fresh.usage.fiveHour.usedPercent, 40);
  assert.equal(byName.fresh.usage.fiveHour.windowMinutes, 300);
  assert.equal(byName.fresh.usage.weekly.windowMinutes, 10080);
  assert.equal(byName.limited.state, "cooling");
  assert.equal(byName.limited.cooldownUntilEpoch, at(3600));
  assert.equal(byName.limited.usage.fiveHour.usedPercent, 100);
  assert.equal(byName.slow.usage, null);
  assert.equal(byName.slow.state, "ready");
  assert.equal(byName.dead.state, "needs-relogin");
  assert.match(byName.dead.needsReloginReason, /refresh_token_reused/);
  assert.equal(byName.renew.state, "ready", "a successful renewal clears needs-re-login");
  assert.equal(byName.renew.usage.fiveHour.usedPercent, 5);
  assert.equal(byName.renew.usage.weekly, null);
  assert.equal(byName.retry.usage.fiveHour.usedPercent, 40);

  const usageCalls = mock.requests.filter((r) => r.path === "/backend-api/wham/usage");
  assert.ok(
    !usageCalls.some((r) => r.headers["chatgpt-account-id"] === "acct_dead"),
    "a dead login is not used",
  );
  for (const call of usageCalls) {
    const name = call.headers["chatgpt-account-id"].replace(/^acct_/, "");
    const auth = await readJson(`${home.caoHome}/${name}/auth.json`);
    if (name !== "retry") {
      assert.equal(call.headers.authorization, `Bearer ${auth.tokens.access_token}`, name);
    }
    assert.match(call.headers["user-agent"], /^cao\//);
  }
  const retryCalls = usageCalls.filter((r) => r.headers["chatgpt-account-id"] === "acct_retry");
  assert.equal(retryCalls.length, 2);
  assert.equal(retryCalls[0].headers.authorization, `Bearer ${before.tokens.access_token}`);

  const refreshes = mock.requests.filter((r) => r.path === "/oauth/token");
  assert.equal(refreshes.length, 3, "dead, renew (proactive) and retry (after the 401)");
  for (const refresh of refreshes) {
    const body = refresh.body as Record<string, string>;
    assert.equal(body.client_id, "app_EMoamEEZ73f0CkXaXp7hrann");
    assert.equal(body.grant_type, "refresh_token");
  }
  const reasons = refreshes.map((r) => (r.body as Record<string, string>).refresh_reason).sort();
  assert.deepEqual(reasons, ["proactive_expiry", "proactive_expiry", "unauthorized_recovery"]);

  const renewed = await readJson(`${home.caoHome}/renew/auth.json`);
  assert.equal(renewed.tokens.refresh_token, "rt_acct_renew_refresh_secret_0_gen1");
  assert.deepEqual(renewed.agent_identity, { kept: true }, "unknown fields survive the rewrite");
  assert.equal(renewed.last_refresh, NOW.toISOString());
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(`${home.caoHome}/renew/auth.json`)).mode! & 0o777, 0o600);
  }
  const dead = await readJson(`${home.caoHome}/dead/auth.json`);
  assert.equal(
    dead.tokens.refresh_token,
    "rt_acct_dead_refresh_secret_0",
    "a refused login is left as it was",
  );

  const recorded = await readJson(`${home.caoHome}/account_status.json`);
  assert.equal(recorded.accounts.limited.cooldownUntil, new Date(at(3600) * 1000).toISOString());
  assert.equal(
    recorded.accounts.limited.lastQuotaHitAt ?? null,
    null,
    "the endpoint is not a quota hit by cao",
  );
  assert.equal(recorded.accounts.dead.needsRelogin, true);
  assert.equal(recorded.accounts.renew.needsRelogin, false);
});

Deno.test("status --refresh shows a dead login as needing a new login, not as an error of cao", async () => {
  await using home = await makeTempHome();
  await writeRegistry(home.caoHome, ["dead"]);
  await writeAccount(home.caoHome, "dead", {
    email: "dead@example.com",
    accountId: "acct_dead",
    exp: at(-60),
  });
  await using mock = await startMock();
  const result = await runCaoInProcess(home, ["status", "--refresh", "--pretty"], {
    now: NOW,
    fetch: globalThis.fetch,
    env: {
      NO_COLOR: "1",
      CAO_CHATGPT_BASE_URL: `${mock.url}/backend-api`,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token`,
    },
  });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, "");
  assert.match(
    result.stdout,
    /needs re-login: the refresh token was already used \(refresh_token_reused\)\n {2}fix: cao add dead/,
  );
});

Deno.test("status --refresh as a child process reaches only the endpoints named by the environment", async () => {
  await using home = await makeTempHome();
  await writeRefreshHome(home);
  await using mock = await startMock();
  const result = await runCaoProcess(home, ["status", "--refresh", "--timeout", "0.5", "--compact"], {
    env: {
      CAO_CHATGPT_BASE_URL: `${mock.url}/backend-api/`,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token`,
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /cannot refresh the usage of "slow"/);
  // The child's clock is the real one, so only the shape is checked.
  assert.match(result.stdout, /^\*\s+fresh\s+ready\s/m);
  assert.match(result.stdout, /^\s+dead\s+needs re-login\s/m);
  assert.ok(mock.requests.length >= 6);
});

Deno.test("status --refresh keeps ~/.codex/auth.json in step with an imported login it renews; 403 is no 401", async () => {
  await using home = await makeTempHome();
  const cao = home.caoHome;
  await writeRegistry(cao, ["imported", "forbidden"]);
  await writeAccount(cao, "imported", {
    email: "imp@example.com",
    accountId: "acct_imported",
    exp: at(-3600),
  });
  await writeAccount(cao, "forbidden", { email: "forb@example.com", accountId: "acct_forbidden" });
  const userAuth = `${home.userHome}/.codex/auth.json`;
  await Deno.copyFile(`${cao}/imported/auth.json`, userAuth);
  const before = await readJson(userAuth);
  await using mock = await startUsageMock({
    acct_imported: { kind: "ok", body: usageBody({ used: 10, resetAt: at(7800) }, null) },
    acct_forbidden: { kind: "status", status: 403, body: { error: { code: "forbidden" } } },
  }, {
    [before.tokens.refresh_token]: { kind: "rotate", accountId: "acct_imported", email: "imp@example.com" },
  });
  const result = await runCaoInProcess(home, ["status", "--refresh", "--json"], {
    now: NOW,
    fetch: globalThis.fetch,
    env: {
      CAO_CHATGPT_BASE_URL: `${mock.url}/backend-api`,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token`,
    },
  });
  assert.equal(result.code, 0, result.stderr);
  const pool = await readJson(`${cao}/imported/auth.json`);
  assert.equal(pool.tokens.refresh_token, `${before.tokens.refresh_token}_gen1`);
  const user = await readJson(userAuth);
  assert.equal(user.tokens.refresh_token, pool.tokens.refresh_token, "the copy holds the new refresh token");
  assert.equal(user.tokens.access_token, pool.tokens.access_token);

  assert.match(result.stderr, /cannot refresh the usage of "forbidden": the usage endpoint answered 403/);
  const refreshes = mock.requests.filter((r) => r.path === "/oauth/token");
  assert.equal(refreshes.length, 1, "only the expired login is renewed; a 403 renews nothing");
  const forbiddenCalls = mock.requests.filter((r) => r.headers["chatgpt-account-id"] === "acct_forbidden");
  assert.equal(forbiddenCalls.length, 1, "a 403 is not retried");
  const shown = JSON.parse(result.stdout);
  const forbidden = shown.accounts.find((a: { name: string }) => a.name === "forbidden");
  assert.notEqual(forbidden.state, "needs-relogin");
});
