/**
 * Component tests: usage limits (429 and in-stream), all accounts limited, stickiness, account moves
 * (encrypted items stripped, turn state dropped), 5xx retries, thresholds, persisted cooldowns.
 */

import assert from "node:assert/strict";
import { zstdCompressSync } from "node:zlib";
import { loadStatusFile, updateStatusFile } from "../../src/accounts/status_store.ts";
import { sseText, startHarness, writeAccount } from "./gateway_harness.ts";
import { waitFor } from "../support/wait.ts";
import { startGateway } from "../../src/gateway/start_gateway.ts";
import { DEFAULT_GATEWAY_SETTINGS } from "../../src/gateway/settings.ts";

const HOUR = 3600;

Deno.test("an in-stream usage limit among the first events moves the request before Codex sees it", async () => {
  await using h = await startHarness({
    mock: { responses: { acct_a: { kind: "stream_failed", code: "usage_limit_reached" } } },
  });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.equal(sseText(body), "hello from acct_b");
  assert.equal(body.includes("response.failed"), false);
  await h.gateway.sync.flush();
  assert.ok((await loadStatusFile(h.home)).accounts.a.cooldownUntil !== null);
});

Deno.test("when every account is limited Codex gets the upstream's 429 shape with the earliest reset", async () => {
  const now = Math.floor(Date.now() / 1000);
  await using h = await startHarness({
    mock: {
      responses: {
        acct_a: { kind: "usage_limit", resetsAt: now + 3 * HOUR, planType: "pro" },
        acct_b: { kind: "usage_limit", resetsAt: now + 2 * HOUR, planType: "pro" },
      },
    },
  });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 429);
  const body = await res.json();
  assert.equal(body.error.type, "usage_limit_reached");
  assert.equal(body.error.resets_at, now + 2 * HOUR);
  assert.equal(body.error.plan_type, "pro");
  // A second request does not touch the upstream: both accounts are cooling down.
  const again = await h.respond({ session: "s2" });
  assert.equal(again.status, 429);
  await again.body?.cancel();
  assert.equal(h.mock.responsesRequests().length, 2);
});

Deno.test("a conversation stays on its account; a move strips encrypted items and drops the turn state", async () => {
  await using h = await startHarness({
    mock: {
      responses: {
        acct_a: ["ok", { kind: "ok", headers: { "x-codex-turn-state": "ts_a" } }, { kind: "usage_limit" }],
      },
    },
  });
  const history = {
    model: "m",
    input: [{ type: "message", role: "user", content: [] }, {
      type: "reasoning",
      summary: [],
      encrypted_content: "enc_a",
    }],
  };
  const zstd = new Uint8Array(zstdCompressSync(new TextEncoder().encode(JSON.stringify(history))));
  const send = async (headers: Record<string, string> = {}) => {
    const res = await fetch(`${h.base}/responses`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-encoding": "zstd",
        "session-id": "s1",
        ...headers,
      },
      body: zstd,
    });
    return sseText(await res.text());
  };
  assert.equal(await send(), "hello from acct_a");
  assert.equal(await send(), "hello from acct_a");
  assert.equal(await send({ "x-codex-turn-state": "ts_a" }), "hello from acct_b");
  const [first, second, limited, moved] = h.mock.responsesRequests();
  assert.deepEqual([first, second, limited, moved].map((r) => r.accountId), [
    "acct_a",
    "acct_a",
    "acct_a",
    "acct_b",
  ]);
  assert.equal(limited.headers["content-encoding"], "zstd");
  assert.equal(limited.text.includes("enc_a"), true);
  assert.equal(moved.headers["content-encoding"], undefined);
  assert.equal(moved.text.includes("enc_a"), false);
  assert.equal(moved.headers["x-codex-turn-state"], undefined);
  assert.equal(h.gateway.pool.switches, 1);
});

Deno.test("5xx answers are retried on the same account, then passed through", async () => {
  await using h = await startHarness({
    mock: {
      responses: {
        acct_a: [{ kind: "status", status: 502 }, "ok"],
        acct_b: { kind: "status", status: 503, body: "down" },
      },
    },
  });
  const ok = await h.respond({ session: "s1" });
  assert.equal(sseText(await ok.text()), "hello from acct_a");
  assert.deepEqual(h.mock.responsesRequests().map((r) => r.accountId), ["acct_a", "acct_a"]);
  h.mock.setResponses("acct_a", { kind: "status", status: 500, body: "boom" });
  const failed = await h.respond({ session: "s1" });
  assert.equal(failed.status, 500);
  assert.equal(await failed.text(), "boom");
  assert.equal(h.mock.responsesRequests("acct_a").length, 2 + 3);
  assert.equal(h.mock.responsesRequests("acct_b").length, 0);
});

Deno.test("usage windows from the rate-limit headers are recorded, and --switch-at steers new conversations", async () => {
  await using h = await startHarness({
    accounts: ["a", "b"],
    settings: { switchAt: 90 },
    mock: {
      responses: { acct_a: { kind: "ok", rateLimits: { primary: { usedPercent: 95, windowMinutes: 300 } } } },
    },
  });
  await (await h.respond({ session: "old" })).text();
  assert.equal(h.gateway.pool.statuses.a.usage?.primary?.usedPercent, 95);
  assert.equal(sseText(await (await h.respond({ session: "old" })).text()), "hello from acct_a");
  assert.equal(sseText(await (await h.respond({ session: "new" })).text()), "hello from acct_b");
  await h.gateway.sync.flush();
  assert.equal((await loadStatusFile(h.home)).accounts.a.usage?.source, "headers");
});

Deno.test("a cooldown survives a gateway restart", async () => {
  await using h = await startHarness({ mock: { responses: { acct_a: { kind: "usage_limit" } } } });
  await (await h.respond({ session: "s1" })).text();
  await h.gateway.close();
  const again = await startGateway({
    home: h.home,
    settings: { ...DEFAULT_GATEWAY_SETTINGS, port: 0, upstream: h.mock.url },
    keys: { control: "sk-cao-ctl-second-key-0123456789", proxy: "sk-cao-gw-second-key-0123456789" },
    fetch: globalThis.fetch,
    tokenUrl: `${h.mock.url}/oauth/token`,
    version: "test",
    log: () => {},
    reloadIntervalMs: 0,
  });
  try {
    const res = await fetch(`${again.url}/k/sk-cao-gw-second-key-0123456789/responses`, {
      method: "POST",
      headers: { "session-id": "s2" },
      body: "{}",
    });
    assert.equal(sseText(await res.text()), "hello from acct_b");
    assert.deepEqual(h.mock.responsesRequests().map((r) => r.accountId), ["acct_a", "acct_b", "acct_b"]);
  } finally {
    await again.close();
  }
});

Deno.test("the gateway sees accounts added while it runs", async () => {
  await using h = await startHarness({ accounts: ["a"], reloadIntervalMs: 20 });
  await writeAccount(h.home, { name: "z" });
  h.mock.setResponses("acct_a", { kind: "usage_limit" });
  // The registry is published before the logins are re-read: wait until z can be chosen, not just listed.
  await waitFor(() => h.gateway.pool.candidates().some((c) => c.name === "z" && c.canLogIn), {
    what: "the gateway to load account z and its login",
  });
  assert.equal(sseText(await (await h.respond()).text()), "hello from acct_z");
});

Deno.test("a 400 invalid_encrypted_content is answered by stripping account-bound items and one more try", async () => {
  await using h = await startHarness({
    mock: {
      responses: {
        acct_a: [{
          kind: "status",
          status: 400,
          body: { error: { code: "invalid_encrypted_content", type: "invalid_request_error" } },
        }, "ok"],
      },
    },
  });
  const body = { model: "m", input: [{ type: "reasoning", summary: [], encrypted_content: "enc_other" }] };
  const res = await h.respond({ session: "resumed", body });
  assert.equal(sseText(await res.text()), "hello from acct_a");
  const [refused, retried] = h.mock.responsesRequests();
  assert.equal(refused.text.includes("enc_other"), true);
  assert.equal(retried.text.includes("enc_other"), false);
});

Deno.test("changes made by other cao processes are kept and seen: a cooldown cleared by hand", async () => {
  await using h = await startHarness({
    reloadIntervalMs: 20,
    mock: { responses: { acct_a: [{ kind: "usage_limit" }, "ok"] } },
  });
  assert.equal(sseText(await (await h.respond({ session: "s1" })).text()), "hello from acct_b");
  await h.gateway.sync.flush();
  await updateStatusFile(h.home, (file) => {
    file.accounts.a.cooldownUntil = null;
    file.accounts.a.lastError = "cleared by hand";
  });
  await waitFor(() => h.gateway.pool.statuses.a.cooldownUntil === null, {
    what: "the gateway to see a's cooldown cleared",
  });
  assert.equal(sseText(await (await h.respond({ session: "s2" })).text()), "hello from acct_a");
  await h.gateway.sync.flush();
  const a = (await loadStatusFile(h.home)).accounts.a;
  assert.equal(a.lastError, "cleared by hand");
  assert.ok(a.attempts >= 2 && a.successes >= 1, JSON.stringify(a));
});

Deno.test("GET /status reports accounts, cooldowns, conversations and switches", async () => {
  await using h = await startHarness({ mock: { responses: { acct_a: { kind: "usage_limit" } } } });
  await (await h.respond({ session: "s1" })).text();
  const status = await (await h.control("/status")).json();
  assert.equal(status.service, "cao-gateway");
  assert.equal(status.requests, 1);
  assert.equal(status.switches, 1);
  assert.equal(status.conversations, 1);
  const [a, b] = status.accounts;
  assert.equal(a.name, "a");
  assert.equal(a.state, "cooling");
  assert.equal(a.limitHits, 1);
  assert.equal(a.requests, 1, "the request a refused with a 429 counts");
  assert.equal(b.requests, 1);
  assert.equal(b.state, "available");
  assert.equal(b.conversations, 1);
  assert.equal(JSON.stringify(status).includes("eyJ"), false);
});

Deno.test("a usage limit whose reset has passed cools for --default-cooldown; 0 tries the account again", async () => {
  for (const [defaultCooldownMinutes, triesOfA] of [[60, 1], [0, 2]]) {
    const resetsAt = Math.floor(Date.now() / 1000) - 1;
    await using h = await startHarness({
      settings: { defaultCooldownMinutes },
      mock: { responses: { acct_a: { kind: "usage_limit", resetsAt } } },
    });
    for (const session of ["s1", "s2"]) {
      const res = await h.respond({ session });
      assert.equal(sseText(await res.text()), "hello from acct_b");
    }
    assert.equal(
      h.mock.responsesRequests("acct_a").length,
      triesOfA,
      `--default-cooldown ${defaultCooldownMinutes}`,
    );
    const until = Date.parse(h.gateway.pool.statuses.a.cooldownUntil!);
    if (defaultCooldownMinutes === 60) assert.ok(until > Date.now() + 59 * 60_000);
    else assert.ok(until <= Date.now());
  }
});

Deno.test("a 429 that carries only 5-hour headers keeps the weekly window an earlier answer reported", async () => {
  const now = Math.floor(Date.now() / 1000);
  const weekly = { usedPercent: 70, windowMinutes: 10080, resetAt: now + 3 * 86_400 };
  await using h = await startHarness({
    mock: {
      responses: {
        acct_a: [
          {
            kind: "ok",
            rateLimits: {
              primary: { usedPercent: 30, windowMinutes: 300, resetAt: now + HOUR },
              secondary: weekly,
            },
          },
          { kind: "usage_limit", resetsAt: now + HOUR },
        ],
      },
    },
  });
  for (let i = 0; i < 2; i++) await (await h.respond({ session: "s1" })).text();
  assert.equal(h.mock.responsesRequests("acct_a").length, 2);
  const expected = { usedPercent: 70, windowMinutes: 10080, resetsAt: weekly.resetAt };
  assert.deepEqual(h.gateway.pool.statuses.a.usage?.primary?.usedPercent, 100);
  assert.deepEqual(h.gateway.pool.statuses.a.usage?.secondary, expected);
  await h.gateway.sync.flush();
  assert.deepEqual((await loadStatusFile(h.home)).accounts.a.usage?.secondary, expected);
});

Deno.test("answers that repeat only the 5-hour window do not re-record the account's usage each time", async () => {
  const now = Math.floor(Date.now() / 1000);
  const primary = { usedPercent: 30, windowMinutes: 300, resetAt: now + HOUR };
  const secondary = { usedPercent: 70, windowMinutes: 10080, resetAt: now + 3 * 86_400 };
  const seen: string[] = [];
  await using h = await startHarness({
    mock: {
      responses: {
        acct_a: [
          { kind: "ok", rateLimits: { primary, secondary } },
          { kind: "ok", rateLimits: { primary } },
          { kind: "ok", rateLimits: { primary } },
          { kind: "ok", rateLimits: { primary } },
        ],
      },
    },
    notify: { emit: () => {}, observeUsage: (account) => seen.push(account) },
  });
  for (let i = 0; i < 4; i++) await (await h.respond({ session: "s1" })).text();
  assert.equal(h.mock.responsesRequests("acct_a").length, 4);
  assert.deepEqual(seen, ["a"]);
  assert.equal(h.gateway.pool.statuses.a.usage?.secondary?.usedPercent, 70);
});
