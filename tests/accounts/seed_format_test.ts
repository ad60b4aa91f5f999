import assert from "node:assert/strict";
import {
  accountStatusFromSeed,
  isSeedRegistry,
  isSeedStatusFile,
  registryDocFromSeed,
  statusDocFromSeed,
} from "../../src/accounts/seed_format.ts";
import { parseRegistry } from "../../src/accounts/registry.ts";
import { parseStatusFile } from "../../src/accounts/status_store.ts";
import {
  gatewayDocFromSeed,
  isSeedGatewayDoc,
  seedGatewayLeftovers,
} from "../../src/gateway/seed_settings.ts";
import { parseGatewayFile } from "../../src/gateway/settings.ts";

Deno.test("CAO 1.4.2's registry.json reads as cao's: order kept, bad names dropped, default checked", () => {
  const seed = { default_account: "personal", accounts: ["work", " personal ", "bad/name", "work"] };
  assert.equal(isSeedRegistry(seed), true);
  assert.equal(isSeedRegistry({ schemaVersion: 1, accounts: [] }), false);
  assert.deepEqual(registryDocFromSeed(seed), {
    schemaVersion: 1,
    defaultAccount: "personal",
    accounts: [{ name: "work", addedAt: "" }, { name: "personal", addedAt: "" }],
  });
  assert.equal(
    (registryDocFromSeed({ default_account: "gone", accounts: ["a"] }) as { defaultAccount: string })
      .defaultAccount,
    "a",
  );
  const parsed = parseRegistry({ default_account: "work", accounts: ["work", "personal"] });
  assert.equal(parsed.kind, "ok");
  if (parsed.kind === "ok") {
    assert.deepEqual(parsed.registry.accounts.map((a) => a.name), ["work", "personal"]);
  }
});

Deno.test("CAO 1.4.2's account_status.json: epoch milliseconds become cao's ISO times", () => {
  const seed = {
    statuses: {
      work: {
        lastAttemptAtMs: 1796143939048,
        lastQuotaAtMs: 1796143939070,
        cooldownUntilMs: 1796144239070,
        consecutiveFailures: 1,
        lastError: "usage_limit_reached",
      },
      side: {},
    },
  };
  assert.equal(isSeedStatusFile(seed), true);
  assert.equal(isSeedStatusFile({ schemaVersion: 1, accounts: {} }), false);
  assert.deepEqual(accountStatusFromSeed(seed.statuses.work), {
    consecutiveFailures: 1,
    lastAttemptAt: "2026-12-01T16:52:19.048Z",
    lastSuccessAt: null,
    lastQuotaHitAt: "2026-12-01T16:52:19.070Z",
    cooldownUntil: "2026-12-01T16:57:19.070Z",
    lastError: "usage_limit_reached",
  });
  assert.deepEqual(Object.keys((statusDocFromSeed(seed) as { accounts: object }).accounts), ["work", "side"]);
  const file = parseStatusFile(seed);
  assert.equal(file.accounts.work.cooldownUntil, "2026-12-01T16:57:19.070Z");
  assert.equal("statuses" in file, false);
});

Deno.test("CAO 1.4.2's gateway.json: bind, port, upstream and retries carried, the rest listed", () => {
  const seed = {
    bindAddress: "127.0.0.1",
    port: 4400,
    baseUrl: "https://chatgpt.com/backend-api/codex",
    cooldownSeconds: 600,
    upstreamMaxRetries: 2,
    overrideAuth: true,
  };
  assert.equal(isSeedGatewayDoc(seed), true);
  assert.equal(isSeedGatewayDoc({ schemaVersion: 1, port: 1 }), false);
  assert.deepEqual(gatewayDocFromSeed(seed), {
    schemaVersion: 1,
    port: 4400,
    bind: "127.0.0.1",
    upstream: "https://chatgpt.com/backend-api/codex",
    retries: 2,
  });
  assert.deepEqual(seedGatewayLeftovers(seed), ["cooldownSeconds=600", "overrideAuth=true"]);
  assert.equal(parseGatewayFile(seed).bind, "127.0.0.1");
});
