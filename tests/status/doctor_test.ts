/**
 * The doctor: every check on literal facts (its id, severity and the exit code it leads to), then the
 * facts gathered from a real temp home (modes, account configs against the user's config, codex versions
 * from stand-in executables, the gateway probe against a loopback server and a closed port).
 */

import assert from "node:assert/strict";
import type { AccountStatus } from "../../src/accounts/status_store.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";
import type { LoginSummary } from "../../src/codex/auth_file.ts";
import type { AccountView, StatusSnapshot } from "../../src/status/collect.ts";
import {
  DEFAULT_THRESHOLDS,
  doctorExitCode,
  type DoctorFacts,
  type Finding,
  runDoctorChecks,
} from "../../src/status/doctor_checks.ts";
import { NO_GATEWAY } from "../../src/status/gateway_facts.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";
import {
  at,
  iso,
  NOW,
  status,
  writeAccount,
  writeFakeCodex,
  writeRegistry,
  writeStatuses,
} from "./status_fixture.ts";

const LOGIN: LoginSummary = {
  state: "logged-in",
  problem: null,
  email: "a@example.com",
  plan: "plus",
  accountId: "acct_a",
  userId: "user_a",
  accessExpiresAt: at(10 * 86_400),
  hasRefreshToken: true,
  lastRefresh: iso(-3600),
};

function account(
  name: string,
  options: {
    login?: Partial<LoginSummary>;
    status?: Partial<AccountStatus>;
    position?: number;
    duplicateOf?: string[];
  } = {},
): AccountView {
  return {
    name,
    position: options.position ?? 1,
    isDefault: (options.position ?? 1) === 1,
    login: { ...LOGIN, ...options.login },
    duplicateOf: options.duplicateOf ?? [],
    status: { ...emptyAccountStatus(), ...options.status },
    inUseByGateway: false,
    home: `/cao/${name}`,
  };
}

function facts(accounts: AccountView[], extra: Partial<DoctorFacts> = {}): DoctorFacts {
  const snapshot: StatusSnapshot = {
    now: NOW,
    home: "/cao",
    defaultAccount: "a",
    accounts,
    gateway: NO_GATEWAY,
  };
  return {
    snapshot,
    loosePaths: [],
    configs: Object.fromEntries(
      accounts.map((a) => [a.name, { kind: "ok", missingKeys: [], outOfSync: false }]),
    ),
    userConfig: { kind: "ok" },
    codex: { kind: "ok", command: "codex", version: "0.169.0" },
    gateway: null,
    ...extra,
  };
}

function only(findings: Finding[]): Finding {
  assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
  return findings[0];
}

Deno.test("runDoctorChecks() finds nothing in a healthy setup: exit 0", () => {
  const findings = runDoctorChecks(facts([account("a")]));
  assert.deepEqual(findings, []);
  assert.equal(doctorExitCode(findings), 0);
});

Deno.test("runDoctorChecks() reports each check with its severity, a fix and the exit code it implies", async (t) => {
  const cases: [string, DoctorFacts, string, "error" | "warning" | "info", number][] = [
    [
      "not logged in",
      facts([account("a", { login: { state: "not-logged-in", problem: "no auth.json" } })]),
      "not-logged-in",
      "error",
      2,
    ],
    [
      "API key only",
      facts([account("a", { login: { state: "api-key", problem: "it holds an API key" } })]),
      "not-logged-in",
      "error",
      2,
    ],
    [
      "auth.json unreadable",
      facts([account("a", { login: { state: "unreadable", problem: "not valid JSON" } })]),
      "auth-unreadable",
      "error",
      2,
    ],
    [
      "no refresh token",
      facts([
        account("a", {
          login: {
            state: "not-logged-in",
            problem: "tokens.refresh_token is missing",
            hasRefreshToken: false,
          },
        }),
      ]),
      "needs-relogin",
      "error",
      2,
    ],
    [
      "refresh refused earlier",
      facts([account("a", { status: { needsRelogin: true, needsReloginReason: "refresh_token_reused" } })]),
      "needs-relogin",
      "error",
      2,
    ],
    [
      "access token expired but renewable",
      facts([account("a", { login: { accessExpiresAt: at(-600) } })]),
      "token-expired",
      "info",
      0,
    ],
    [
      "access token expiring soon",
      facts([account("a", { login: { accessExpiresAt: at(3600) } })]),
      "token-expiring",
      "info",
      0,
    ],
    ["plan unknown", facts([account("a", { login: { plan: null } })]), "details-unknown", "warning", 1],
    [
      "cooldown active",
      facts([account("a", { status: { cooldownUntil: iso(5400) } })]),
      "cooldown",
      "warning",
      1,
    ],
    [
      "repeated failures",
      facts([account("a", { status: { consecutiveFailures: 3, failures: 4, lastError: "exit 1" } })]),
      "repeated-failures",
      "warning",
      1,
    ],
    [
      "loose permissions",
      facts([account("a")], {
        loosePaths: [{ path: "/cao/a/auth.json", mode: 0o644, isDirectory: false, account: "a" }],
      }),
      "loose-permissions",
      "warning",
      1,
    ],
    [
      "config missing",
      facts([account("a")], { configs: { a: { kind: "missing" } } }),
      "config-missing",
      "warning",
      1,
    ],
    [
      "config not TOML",
      facts([account("a")], { configs: { a: { kind: "unreadable", reason: "bad" } } }),
      "config-unreadable",
      "warning",
      1,
    ],
    [
      "config lacks required keys",
      facts([account("a")], {
        configs: { a: { kind: "ok", missingKeys: ["forced_login_method"], outOfSync: true } },
      }),
      "config-missing-keys",
      "warning",
      1,
    ],
    [
      "config out of sync",
      facts([account("a")], { configs: { a: { kind: "ok", missingKeys: [], outOfSync: true } } }),
      "config-out-of-sync",
      "warning",
      1,
    ],
    [
      "user config not TOML",
      facts([account("a")], {
        userConfig: { kind: "unreadable", path: "/home/.codex/config.toml", reason: "bad" },
      }),
      "user-config-unreadable",
      "warning",
      1,
    ],
    [
      "codex not found",
      facts([account("a")], { codex: { kind: "not-found", command: "codex" } }),
      "codex-missing",
      "error",
      2,
    ],
    [
      "codex too old",
      facts([account("a")], { codex: { kind: "ok", command: "codex", version: "0.120.3" } }),
      "codex-too-old",
      "error",
      2,
    ],
    [
      "codex without version",
      facts([account("a")], { codex: { kind: "no-version", command: "codex" } }),
      "codex-version-unknown",
      "warning",
      1,
    ],
    [
      "gateway not answering",
      facts([account("a")], {
        gateway: { kind: "down", url: "http://127.0.0.1:1/health", reason: "refused" },
      }),
      "gateway-down",
      "error",
      2,
    ],
    [
      "something else on the gateway port",
      facts([account("a")], {
        gateway: { kind: "unexpected", url: "http://127.0.0.1:1/health", status: 404 },
      }),
      "gateway-unexpected",
      "warning",
      1,
    ],
    ["no accounts", facts([]), "no-accounts", "warning", 1],
  ];
  for (const [label, input, check, severity, exitCode] of cases) {
    await t.step(label, () => {
      const findings = runDoctorChecks(input);
      const finding = only(findings);
      assert.equal(finding.check, check);
      assert.equal(finding.severity, severity);
      assert.ok(finding.fix.length > 0 && !finding.fix.includes("\n"));
      assert.ok(!finding.message.includes("\n"));
      assert.equal(doctorExitCode(findings), exitCode);
    });
  }
});

Deno.test("runDoctorChecks() reports a duplicate login once, on the later account", () => {
  const findings = runDoctorChecks(facts([
    account("a", { position: 1, duplicateOf: ["b"] }),
    account("b", { position: 2, duplicateOf: ["a"] }),
  ]));
  const finding = only(findings);
  assert.equal(finding.check, "duplicate-login");
  assert.equal(finding.account, "b");
  assert.equal(doctorExitCode(findings), 1);
});

Deno.test("runDoctorChecks() honours --max-failures and --expires-within-hours", () => {
  const view = account("a", {
    status: { consecutiveFailures: 4 },
    login: { accessExpiresAt: at(30 * 3600) },
  });
  assert.deepEqual(runDoctorChecks(facts([view]), { maxFailures: 5, expiresWithinHours: 24 }), []);
  const checks = runDoctorChecks(facts([view]), { maxFailures: 4, expiresWithinHours: 48 }).map((f) =>
    f.check
  );
  assert.deepEqual(checks, ["repeated-failures", "token-expiring"]);
  assert.equal(DEFAULT_THRESHOLDS.maxFailures, 3);
});

Deno.test("runDoctorChecks() puts errors first, global before per-account, accounts in order", () => {
  const findings = runDoctorChecks(facts([
    account("a", { position: 1, status: { cooldownUntil: iso(60) } }),
    account("b", { position: 2, login: { state: "not-logged-in", problem: "no auth.json" } }),
  ], { codex: { kind: "not-found", command: "codex" } }));
  assert.deepEqual(findings.map((f) => [f.severity, f.account, f.check]), [
    ["error", null, "codex-missing"],
    ["error", "b", "not-logged-in"],
    ["warning", "a", "cooldown"],
  ]);
});

Deno.test("cao doctor gathers real facts: modes, configs, codex version, gateway", async (t) => {
  await using home = await makeTempHome();
  const cao = home.caoHome;
  await writeRegistry(cao, ["a", "b"]);
  await writeAccount(cao, "a", { email: "a@example.com", accountId: "acct_a" });
  await writeAccount(cao, "b", { email: "b@example.com", accountId: "acct_b" });
  const codex = await writeFakeCodex(home.dir);
  const doctor = async (args: string[] = [], codexPath = codex) => {
    const result = await runCaoInProcess(home, ["--codex", codexPath, "doctor", "--json", ...args], {
      now: NOW,
      fetch: globalThis.fetch,
    });
    const json = JSON.parse(result.stdout);
    assert.equal(json.exitCode, result.code);
    return { code: result.code, checks: json.findings.map((f: Finding) => `${f.account ?? "-"}:${f.check}`) };
  };

  await t.step("healthy", async () => {
    assert.deepEqual(await doctor(), { code: 0, checks: [] });
  });
  await t.step("loose permissions", async () => {
    await Deno.chmod(`${cao}/a/auth.json`, 0o644);
    await Deno.chmod(`${cao}/b`, 0o755);
    assert.deepEqual(await doctor(), { code: 1, checks: ["a:loose-permissions", "b:loose-permissions"] });
    await Deno.chmod(`${cao}/a/auth.json`, 0o600);
    await Deno.chmod(`${cao}/b`, 0o700);
  });
  await t.step("account config lacking cao's keys, and out of sync with the user's config", async () => {
    await Deno.writeTextFile(`${cao}/a/config.toml`, 'cli_auth_credentials_store = "file"\n', {
      mode: 0o600,
    });
    await Deno.writeTextFile(`${home.userHome}/.codex/config.toml`, 'model = "gpt-6.1-sol"\n');
    assert.deepEqual(await doctor(), { code: 1, checks: ["a:config-missing-keys", "b:config-out-of-sync"] });
  });
  await t.step("configs in sync after a sync by cao", async () => {
    const add = await runCaoInProcess(home, ["add", "a", "--no-login"], { now: NOW });
    assert.equal(add.code, 0, add.stderr);
    await runCaoInProcess(home, ["add", "b", "--no-login"], { now: NOW });
    assert.deepEqual(await doctor(), { code: 0, checks: [] });
  });
  await t.step("the user's config is not TOML", async () => {
    await Deno.writeTextFile(`${home.userHome}/.codex/config.toml`, "model = = =\n");
    assert.deepEqual(await doctor(), { code: 1, checks: ["-:user-config-unreadable"] });
    await Deno.writeTextFile(`${home.userHome}/.codex/config.toml`, 'model = "gpt-6.1-sol"\n');
  });
  await t.step("codex missing, too old", async () => {
    assert.deepEqual(await doctor([], `${home.dir}/no-such-codex`), { code: 2, checks: ["-:codex-missing"] });
    assert.deepEqual(await doctor([], await writeFakeCodex(home.dir, "0.150.0")), {
      code: 2,
      checks: ["-:codex-too-old"],
    });
    assert.deepEqual(await doctor([], await writeFakeCodex(home.dir, "0.170.1")), { code: 0, checks: [] });
  });
  await t.step("gateway configured and answering, then not answering", async () => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) =>
        new URL(request.url).pathname === "/health"
          ? new Response("ok")
          : new Response("no", { status: 404 }),
    );
    const port = server.addr.port;
    await Deno.writeTextFile(
      `${home.userHome}/.codex/config.toml`,
      `model = "gpt-6.1-sol"\nopenai_base_url = "http://127.0.0.1:${port}/gw/codex"\n`,
    );
    await runCaoInProcess(home, ["add", "a", "--no-login"], { now: NOW });
    await runCaoInProcess(home, ["add", "b", "--no-login"], { now: NOW });
    assert.deepEqual(await doctor(), { code: 0, checks: [] });
    await server.shutdown();
    assert.deepEqual(await doctor(), { code: 2, checks: ["-:gateway-down"] });
  });
  await t.step("cooldown, failures and duplicates from the status file", async () => {
    await Deno.writeTextFile(`${home.userHome}/.codex/config.toml`, 'model = "gpt-6.1-sol"\n');
    await runCaoInProcess(home, ["add", "a", "--no-login"], { now: NOW });
    await runCaoInProcess(home, ["add", "b", "--no-login"], { now: NOW });
    await writeAccount(cao, "b", { email: "a@example.com", accountId: "acct_a" }, { config: null });
    await runCaoInProcess(home, ["add", "b", "--no-login"], { now: NOW });
    await writeStatuses(cao, {
      a: status({ cooldownUntil: iso(600), consecutiveFailures: 2, failures: 2 }),
    });
    assert.deepEqual(await doctor(), { code: 1, checks: ["a:cooldown", "b:duplicate-login"] });
    assert.deepEqual(await doctor(["--max-failures", "2"]), {
      code: 1,
      checks: ["a:cooldown", "a:repeated-failures", "b:duplicate-login"],
    });
  });
  await t.step("auth.json unreadable and missing", async () => {
    await writeAccount(cao, "a", null, { rawAuth: "{ not json" });
    await Deno.remove(`${cao}/b/auth.json`);
    await writeStatuses(cao, {});
    assert.deepEqual(await doctor(), { code: 2, checks: ["a:auth-unreadable", "b:not-logged-in"] });
  });
});
