/**
 * Pure parts of the status code: the usage endpoint's URL and answer, cooldown bookkeeping of refresh
 * results, account states and windows, the gateway facts, the small shared texts, redaction of identities.
 */

import assert from "node:assert/strict";
import {
  type CooldownClearReason,
  emptyAccountStatus,
  parseStatusFile,
} from "../../src/accounts/status_store.ts";
import { accountState, windowAt } from "../../src/status/account_state.ts";
import { cooldownText, failuresText, percentText, windowCell } from "../../src/status/cells.ts";
import { buildStatusSnapshot } from "../../src/status/collect.ts";
import { accountsInUseFrom, gatewayUrlFromConfig, probeGateway } from "../../src/status/gateway_facts.ts";
import { isLoopbackUrl } from "../../src/gateway/address.ts";
import { redactIdentities } from "../../src/status/report.ts";
import { applyUsageResults } from "../../src/status/usage_refresh.ts";
import {
  chatgptBaseUrl,
  limitResetsAt,
  parseUsageAnswer,
  usageEndpointUrl,
} from "../../src/codex/usage_response.ts";
import { at, iso, NOW } from "./status_fixture.ts";
import { usageBody } from "./usage_mock.ts";

Deno.test("usageEndpointUrl() follows Codex's path style; CAO_CHATGPT_BASE_URL overrides the base", () => {
  assert.equal(chatgptBaseUrl(() => undefined), "https://chatgpt.com/backend-api");
  assert.equal(chatgptBaseUrl(() => "http://127.0.0.1:9/backend-api/"), "http://127.0.0.1:9/backend-api");
  assert.equal(
    usageEndpointUrl("https://chatgpt.com/backend-api"),
    "https://chatgpt.com/backend-api/wham/usage",
  );
  assert.equal(
    usageEndpointUrl("http://127.0.0.1:9/backend-api/"),
    "http://127.0.0.1:9/backend-api/wham/usage",
  );
  assert.equal(usageEndpointUrl("http://127.0.0.1:9"), "http://127.0.0.1:9/api/codex/usage");
});

Deno.test("parseUsageAnswer() maps the usage endpoint's windows as Codex does", () => {
  const answer = parseUsageAnswer(
    usageBody({ used: 12, resetAt: at(3600) }, { used: 100, resetAt: at(86_400) }),
    NOW,
  )!;
  assert.deepEqual(answer.usage, {
    primary: { usedPercent: 12, windowMinutes: 300, resetsAt: at(3600) },
    secondary: { usedPercent: 100, windowMinutes: 10080, resetsAt: at(86_400) },
    observedAt: NOW.toISOString(),
    source: "usage-endpoint",
  });
  assert.equal(answer.plan, "plus");
  assert.equal(answer.limitReached, true);
  assert.equal(limitResetsAt(answer.usage)?.toISOString(), new Date(at(86_400) * 1000).toISOString());
  const noResetAt = parseUsageAnswer({
    rate_limit: { primary_window: { used_percent: 5, limit_window_seconds: 18000, reset_after_seconds: 60 } },
  }, NOW)!;
  assert.equal(noResetAt.usage.primary?.resetsAt, at(60));
  assert.equal(noResetAt.usage.secondary, null);
  assert.equal(noResetAt.limitReached, false);
  assert.equal(parseUsageAnswer({ detail: "nope" }, NOW), null);
  assert.equal(parseUsageAnswer([], NOW), null);
});

Deno.test("applyUsageResults() records windows, sets and clears cooldowns, marks dead logins", () => {
  const file = parseStatusFile({
    accounts: { early: { cooldownUntil: iso(600) }, later: { cooldownUntil: iso(9000) } },
  });
  const answer = (primary: number, reset: number) =>
    parseUsageAnswer(usageBody({ used: primary, resetAt: at(reset) }, null), NOW)!;
  applyUsageResults(file, [
    { kind: "updated", name: "early", answer: answer(10, 3600), renewed: false },
    { kind: "updated", name: "full", answer: answer(100, 3600), renewed: true },
    { kind: "updated", name: "later", answer: answer(100, 3600), renewed: false },
    { kind: "needs-relogin", name: "dead", reason: "refresh_token_reused" },
    { kind: "failed", name: "slow", reason: "timeout" },
  ], NOW);
  assert.equal(file.accounts.early.cooldownUntil, null, "an early reset clears the cooldown");
  assert.equal(file.accounts.full.cooldownUntil, iso(3600));
  assert.equal(file.accounts.later.cooldownUntil, iso(9000), "a longer cooldown is kept");
  assert.equal(file.accounts.full.usage?.primary?.usedPercent, 100);
  assert.equal(file.accounts.dead.needsRelogin, true);
  assert.equal(file.accounts.slow, undefined);
});

Deno.test("accountState() and windowAt() read the facts at a given now", () => {
  const snapshot = buildStatusSnapshot({
    now: NOW,
    home: "/cao",
    summaries: [],
    statuses: {},
    accountHome: (n) => `/cao/${n}`,
  });
  assert.deepEqual(snapshot.accounts, []);
  const view = {
    name: "a",
    position: 1,
    isDefault: true,
    login: {
      state: "logged-in" as const,
      problem: null,
      email: null,
      plan: null,
      accountId: null,
      userId: null,
      accessExpiresAt: null,
      hasRefreshToken: true,
      lastRefresh: null,
    },
    duplicateOf: [],
    status: { ...emptyAccountStatus(), cooldownUntil: iso(-1) },
    inUseByGateway: false,
    home: "/cao/a",
  };
  assert.deepEqual(accountState(view, NOW), { kind: "ready" }, "an expired cooldown does not count");
  view.status.cooldownUntil = iso(60);
  assert.equal(accountState(view, NOW).kind, "cooling");
  view.status.needsRelogin = true;
  assert.equal(accountState(view, NOW).kind, "needs-relogin");
  const stale = windowAt({ usedPercent: 90, windowMinutes: 300, resetsAt: at(-60) }, NOW)!;
  assert.equal(stale.stale, true);
  assert.equal(percentText(stale), "reset");
  assert.equal(windowCell(stale, NOW), "reset 1m ago");
  assert.equal(
    windowCell(windowAt({ usedPercent: 33.4, windowMinutes: null, resetsAt: null }, NOW), NOW),
    "33%",
  );
  assert.equal(windowCell(null, NOW), "-");
  assert.equal(cooldownText({ ...emptyAccountStatus(), cooldownUntil: iso(3660) }, NOW), "1h 1m left");
  assert.equal(
    failuresText({ ...emptyAccountStatus(), failures: 5, consecutiveFailures: 2 }),
    "2 in a row, 5 total",
  );
});

Deno.test("gatewayUrlFromConfig() finds a loopback base URL in the user's Codex config", () => {
  assert.equal(gatewayUrlFromConfig({}), null);
  assert.equal(gatewayUrlFromConfig({ openai_base_url: "https://chatgpt.com/backend-api/codex" }), null);
  assert.equal(
    gatewayUrlFromConfig({ openai_base_url: "http://127.0.0.1:4319/k/sk-cao-gw-secret" }),
    "http://127.0.0.1:4319",
    "only the origin: the path holds the gateway key",
  );
  assert.equal(
    gatewayUrlFromConfig({
      model_provider: "cao",
      model_providers: { cao: { base_url: "http://localhost:9000/gw/codex" } },
    }),
    "http://localhost:9000",
  );
  for (const url of ["http://127.0.0.1:1", "http://localhost", "http://[::1]:5/x"]) {
    assert.ok(isLoopbackUrl(url), url);
  }
  for (const url of ["http://10.0.0.1", "ftp://127.0.0.1", "not a url", "http://127.evil.com"]) {
    assert.ok(!isLoopbackUrl(url), url);
  }
  assert.deepEqual(accountsInUseFrom({ accountsInUse: ["a", 3, "b"] }), ["a", "b"]);
  assert.deepEqual(accountsInUseFrom({ activeAccount: "c" }), ["c"]);
  assert.deepEqual(accountsInUseFrom({ running: { pid: 1 }, accountsInUse: ["a"] }), ["a"]);
  assert.deepEqual(
    accountsInUseFrom({ running: null, accountsInUse: ["a"] }),
    [],
    "a stopped gateway serves none",
  );
  assert.deepEqual(accountsInUseFrom({ port: 8787 }), []);
  assert.deepEqual(accountsInUseFrom("junk"), []);
});

Deno.test("probeGateway() asks /health on the gateway's origin", async () => {
  const paths: string[] = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    paths.push(path);
    return new Response("", { status: path === "/health" ? 200 : 404 });
  });
  const url = `http://127.0.0.1:${server.addr.port}/gw/codex`;
  assert.deepEqual(await probeGateway(fetch, url), {
    kind: "up",
    url: `http://127.0.0.1:${server.addr.port}/health`,
  });
  assert.deepEqual(paths, ["/health"]);
});

Deno.test("redactIdentities() replaces emails, account ids and user ids everywhere", () => {
  const login = {
    state: "logged-in" as const,
    problem: null,
    email: "me@corp.example.com",
    plan: "team",
    accountId: "acct_123",
    userId: "user_acct_123",
    accessExpiresAt: null,
    hasRefreshToken: true,
    lastRefresh: null,
  };
  const snapshot = buildStatusSnapshot({
    now: NOW,
    home: "/cao",
    summaries: [{ name: "me@corp.example.com", isDefault: true, position: 1, login, duplicateOf: [] }],
    statuses: {},
    accountHome: (n) => `/cao/${n}`,
  });
  const text = "me@corp.example.com acct_123 user_acct_123 /cao/me@corp.example.com other@x.org";
  assert.equal(
    redactIdentities(text, snapshot),
    "email-1@redacted.invalid account-1-redacted user-1-redacted /cao/email-1@redacted.invalid " +
      "email@redacted.invalid",
  );
});

Deno.test("sparkline(), trendText() and paceText() draw a window's recent history", async () => {
  const { sparkline, trendText, paceText } = await import("../../src/status/usage_trend_view.ts");
  assert.equal(sparkline([null, 0, 12.5, 50, 99, 100]), "·▁▂▅██");
  const s = (minutesAgo: number, usedPercent: number) => ({
    at: Math.floor(NOW.getTime() / 1000) - minutesAgo * 60,
    usedPercent,
    windowMinutes: 300,
    resetsAt: Math.floor(NOW.getTime() / 1000) + 3600,
    source: "headers",
  });
  assert.equal(trendText([], "primary", NOW), null);
  assert.match(trendText([s(120, 20), s(5, 60)], "primary", NOW)!, /^·{15}▂{8}▅ {2}20% → 60% over 6h$/);
  const nowS = Math.floor(NOW.getTime() / 1000);
  assert.equal(
    paceText({ kind: "runs-out", at: nowS + 1800, percentPerHour: 40, resetsAt: nowS + 3600 }, NOW),
    "+40%/h; runs out at 2026-11-21T12:30:00.000Z (in 30m), before its reset",
  );
  assert.equal(
    paceText({ kind: "lasts", percentPerHour: 0, resetsAt: null }, NOW),
    "not rising; lasts until its reset",
  );
  assert.equal(paceText({ kind: "unknown" }, NOW), "unknown (too few recent readings)");
});

Deno.test("healedText() mentions a cooldown that ended early, for a few hours", async () => {
  const { healedText } = await import("../../src/status/cells.ts");
  const cleared = (why: CooldownClearReason, secondsAgo: number) => ({
    ...emptyAccountStatus(),
    cooldownCleared: { at: iso(-secondsAgo), why, by: "gateway (pid 1)", until: iso(3600) },
  });
  assert.equal(
    healedText(cleared("usage-room", 300), NOW),
    "cooldown cleared 5m ago: the usage endpoint showed room",
  );
  assert.equal(healedText(cleared("by-hand", 60), NOW), "cooldown cleared 1m ago: by hand");
  assert.equal(healedText(cleared("reset-passed", 60), NOW), null, "a reset that passed is nothing to say");
  assert.equal(healedText(cleared("answered", 60), NOW), null, "nor an answer after the reset");
  assert.equal(healedText(cleared("usage-room", 7 * 3600), NOW), null, "only for a few hours");
  assert.equal(healedText(emptyAccountStatus(), NOW), null);
});
