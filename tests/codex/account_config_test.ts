import assert from "node:assert/strict";
import {
  isCaoGatewayUrl,
  mergeAccountConfig,
  missingRequiredKeys,
  REQUIRED_ACCOUNT_CONFIG,
  syncAccountConfig,
  userConfigForAccounts,
  withHookTrustFor,
} from "../../src/codex/account_config.ts";
import { parseToml } from "../../src/deps/toml.ts";

const NOW = new Date("2026-11-21T12:00:00Z");

Deno.test("mergeAccountConfig() carries the user's settings and lets cao's required keys win", () => {
  const user = {
    model: "gpt-5.5",
    approval_policy: "on-request",
    features: { daemon_auto_start: true, web_search: true },
    mcp_servers: { docs: { command: "docs-mcp", args: ["--x"] } },
    forced_login_method: "api",
  };
  const merged = mergeAccountConfig({}, user, {});
  assert.equal(merged.model, "gpt-5.5");
  assert.deepEqual(merged.mcp_servers, user.mcp_servers);
  assert.deepEqual(merged.features, { daemon_auto_start: false, web_search: true });
  assert.equal(merged.forced_login_method, "chatgpt");
  assert.equal(merged.cli_auth_credentials_store, "file");
  assert.deepEqual(missingRequiredKeys(merged), []);
});

Deno.test("mergeAccountConfig() keeps what Codex wrote in the account and removes what the user removed", () => {
  const base = { model: "a", profiles: { fast: { model: "x" } }, sandbox_mode: "read-only" };
  const user = { model: "b", profiles: { fast: { model: "x" } } }; // changed model, removed sandbox_mode
  const account = {
    ...REQUIRED_ACCOUNT_CONFIG,
    model: "a",
    sandbox_mode: "read-only",
    profiles: { fast: { model: "x" } },
    projects: { "/work/repo": { trust_level: "trusted" } }, // written by codex in the account home
  };
  const merged = mergeAccountConfig(base, user, account);
  assert.equal(merged.model, "b");
  assert.equal("sandbox_mode" in merged, false);
  assert.deepEqual(merged.projects, { "/work/repo": { trust_level: "trusted" } });
  assert.deepEqual(merged.profiles, { fast: { model: "x" } });
});

Deno.test("mergeAccountConfig() keeps an account-local value for a key the user did not change", () => {
  const base = { model: "a" };
  const merged = mergeAccountConfig(base, { model: "a" }, { model: "local" });
  assert.equal(merged.model, "local");
});

Deno.test("userConfigForAccounts() never carries a workspace pin", () => {
  const carried = userConfigForAccounts({ forced_chatgpt_workspace_id: "ws", model: "m" });
  assert.deepEqual(carried, { model: "m" });
});

Deno.test("missingRequiredKeys() names wrong or missing keys", () => {
  assert.deepEqual(missingRequiredKeys({ features: { daemon_auto_start: true } }), [
    "cli_auth_credentials_store",
    "forced_login_method",
    "features.daemon_auto_start",
  ]);
});

Deno.test("syncAccountConfig() follows the user's file across edits and moves an unparsable account config aside", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const userConfig = `${dir}/user.toml`;
    const accountDir = `${dir}/acct`;
    await Deno.writeTextFile(userConfig, '# mine\nmodel = "m1"\n[mcp_servers.x]\ncommand = "x"\n');
    assert.equal((await syncAccountConfig(accountDir, userConfig, NOW)).written, true);
    let account = parseToml(await Deno.readTextFile(`${accountDir}/config.toml`));
    assert.equal(account.model, "m1");
    assert.deepEqual(missingRequiredKeys(account), []);
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(`${accountDir}/config.toml`)).mode! & 0o777, 0o600);
    }

    assert.equal(
      (await syncAccountConfig(accountDir, userConfig, NOW)).written,
      false,
      "no change, no write",
    );

    await Deno.writeTextFile(userConfig, 'model = "m2"\n');
    await syncAccountConfig(accountDir, userConfig, NOW);
    account = parseToml(await Deno.readTextFile(`${accountDir}/config.toml`));
    assert.equal(account.model, "m2");
    assert.equal("mcp_servers" in account, false, "removed by the user, removed here");

    await Deno.writeTextFile(`${accountDir}/config.toml`, "this is = = not toml");
    const result = await syncAccountConfig(accountDir, userConfig, NOW);
    assert.match(
      result.warnings[0],
      /was not valid TOML .* moved to ".*config\.toml\.corrupt-20261121T120000Z"/,
    );
    assert.equal(
      await Deno.readTextFile(`${accountDir}/config.toml.corrupt-20261121T120000Z`),
      "this is = = not toml",
    );
    assert.equal(parseToml(await Deno.readTextFile(`${accountDir}/config.toml`)).model, "m2");

    await Deno.writeTextFile(userConfig, "[[[broken");
    const broken = await syncAccountConfig(accountDir, userConfig, NOW);
    assert.match(broken.warnings[0], /Cannot read ".*user\.toml"/);
    assert.equal(
      parseToml(await Deno.readTextFile(`${accountDir}/config.toml`)).model,
      "m2",
      "kept as it was",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("userConfigForAccounts() never carries a cao gateway route (with its key) into an account home", () => {
  const gateway = "http://127.0.0.1:4319/k/sk-cao-gw-abcdefghijklmnop/v1";
  const carried = userConfigForAccounts({
    openai_base_url: gateway,
    chatgpt_base_url: "https://proxy.example.com/backend-api/",
    model_provider: "cao",
    model_providers: { cao: { base_url: gateway }, other: { base_url: "https://llm.example.com/v1" } },
  });
  assert.equal("openai_base_url" in carried, false);
  assert.equal(
    carried.chatgpt_base_url,
    "https://proxy.example.com/backend-api/",
    "a user's own proxy is kept",
  );
  assert.deepEqual(carried.model_providers, { other: { base_url: "https://llm.example.com/v1" } });
  assert.equal("model_provider" in carried, false);
  assert.equal(isCaoGatewayUrl("http://localhost:9/k/sk-cao-gw-x"), true);
  assert.equal(isCaoGatewayUrl("https://chatgpt.com/backend-api/codex"), false);
  assert.equal(
    isCaoGatewayUrl("http://192.168.7.7:4319/k/sk-cao-gw-x"),
    true,
    "a gateway bound beyond loopback",
  );
  assert.equal(isCaoGatewayUrl("file:///k/sk-cao-gw-x"), false);
});

Deno.test("withHookTrustFor() moves the user's hook trust to the account home's paths", () => {
  const user = {
    model: "x",
    hooks: {
      state: {
        "/u/.codex/hooks.json:session_start:0:0": { trusted_hash: "sha256:1" },
        "/u/.codex/config.toml:stop:0:1": { enabled: false },
        "/repo/.codex/hooks.json:stop:0:0": { trusted_hash: "sha256:2" },
      },
    },
  };
  assert.deepEqual(withHookTrustFor(user, "/u/.codex/", "/c/a"), {
    model: "x",
    hooks: {
      state: {
        "/c/a/hooks.json:session_start:0:0": { trusted_hash: "sha256:1" },
        "/c/a/config.toml:stop:0:1": { enabled: false },
        "/repo/.codex/hooks.json:stop:0:0": { trusted_hash: "sha256:2" },
      },
    },
  });
  assert.deepEqual(withHookTrustFor({ model: "x" }, "/u/.codex", "/c/a"), { model: "x" });
});
