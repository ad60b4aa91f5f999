/**
 * Contracts of the machine and shared outputs: `status --json`, `doctor --json` and the JSON report match
 * their documented (closed) schemas in every state; and no output of any status command — whatever the
 * view, with `--refresh`, with tokens planted in recorded errors — contains a token.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess, type TempHome } from "../support/run_cao.ts";
import { validateJson } from "../support/json_schema.ts";
import { DOCTOR_SCHEMA, REPORT_SCHEMA, STATUS_SCHEMA } from "./schemas.ts";
import {
  at,
  iso,
  NOW,
  status,
  writeAccount,
  writeFakeCodex,
  writeFourAccounts,
  writeStatuses,
} from "./status_fixture.ts";
import { startUsageMock, usageBody } from "./usage_mock.ts";

async function cao(home: TempHome, args: string[], env: Record<string, string> = {}) {
  const codex = await writeFakeCodex(home.dir);
  return await runCaoInProcess(home, ["--codex", codex, ...args], {
    now: NOW,
    env: { NO_COLOR: "1", ...env },
    fetch: globalThis.fetch,
  });
}

function assertValid(value: unknown, schema: Parameters<typeof validateJson>[1], label: string): void {
  const errors = validateJson(value, schema);
  assert.deepEqual(errors, [], `${label}:\n${errors.join("\n")}`);
}

Deno.test("the JSON outputs match their documented schemas", async (t) => {
  await using home = await makeTempHome();
  await t.step("empty home", async () => {
    assertValid(JSON.parse((await cao(home, ["status", "--json"])).stdout), STATUS_SCHEMA, "status");
    assertValid(JSON.parse((await cao(home, ["doctor", "--json"])).stdout), DOCTOR_SCHEMA, "doctor");
    assertValid(
      JSON.parse((await cao(home, ["report", "--format", "json"])).stdout),
      REPORT_SCHEMA,
      "report",
    );
  });
  await writeFourAccounts(home);
  await writeAccount(home.caoHome, "broken", null, { rawAuth: "{ nope" });
  await t.step("accounts in every state", async () => {
    const json = JSON.parse((await cao(home, ["status", "--json"])).stdout);
    assertValid(json, STATUS_SCHEMA, "status");
    assert.deepEqual(json.accounts.map((a: { state: string }) => a.state), [
      "ready",
      "cooling",
      "needs-relogin",
      "not-logged-in",
    ]);
    assertValid(JSON.parse((await cao(home, ["doctor", "--json"])).stdout), DOCTOR_SCHEMA, "doctor");
    for (const args of [["report", "--format", "json"], ["report", "--format", "json", "--redact"]]) {
      assertValid(JSON.parse((await cao(home, args)).stdout), REPORT_SCHEMA, args.join(" "));
    }
  });
  await t.step("stale windows and unknown fields in the status file", async () => {
    await writeStatuses(home.caoHome, {
      work: status({
        usage: {
          primary: { usedPercent: 99.5, windowMinutes: null, resetsAt: at(-60) },
          secondary: null,
          observedAt: iso(-7200),
          source: "rollout",
        },
        futureField: { anything: true },
      }),
    });
    const json = JSON.parse((await cao(home, ["status", "--json"])).stdout);
    assertValid(json, STATUS_SCHEMA, "status");
    assert.equal(json.accounts[0].usage.fiveHour.stale, true);
    assert.equal(json.accounts[0].usage.fiveHour.resetsInSeconds, -60);
  });
  await t.step("the validator itself rejects a missing or an extra field", () => {
    assert.notDeepEqual(validateJson({ schemaVersion: 1 }, STATUS_SCHEMA), []);
    const ok = { check: "x", severity: "error", account: null, message: "m", fix: "f" };
    assert.deepEqual(validateJson({ ...ok }, DOCTOR_SCHEMA.properties!.findings.items!), []);
    assert.notDeepEqual(validateJson({ ...ok, extra: 1 }, DOCTOR_SCHEMA.properties!.findings.items!), []);
    assert.notDeepEqual(
      validateJson({ ...ok, severity: "fatal" }, DOCTOR_SCHEMA.properties!.findings.items!),
      [],
    );
  });
});

/** Every token in the home's auth.json files, and every long part of them. */
async function secretsIn(home: TempHome, names: string[]): Promise<string[]> {
  const secrets: string[] = [];
  for (const name of names) {
    try {
      const auth = JSON.parse(await Deno.readTextFile(`${home.caoHome}/${name}/auth.json`));
      for (const key of ["access_token", "id_token", "refresh_token"]) {
        const token = auth.tokens?.[key];
        if (typeof token !== "string") continue;
        secrets.push(token);
        secrets.push(...token.split(".").filter((part: string) => part.length >= 12));
      }
    } catch { /* no login */ }
  }
  return secrets;
}

Deno.test("no output of any status command contains a token", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const names = ["work", "personal", "old", "spare"];
  const planted = (await secretsIn(home, ["work"]))[0];
  await writeStatuses(home.caoHome, {
    work: status({ consecutiveFailures: 5, failures: 5, lastError: `request failed: Bearer ${planted}` }),
    old: status({
      needsRelogin: true,
      needsReloginReason: `refused rt_acct_old_refresh_secret_0 ${planted}`,
    }),
  });
  await using mock = await startUsageMock({
    acct_work: {
      kind: "ok",
      body: usageBody({ used: 50, resetAt: at(3600) }, { used: 10, resetAt: at(86_400) }),
    },
    acct_personal: { kind: "unauthorized-once", body: usageBody({ used: 100, resetAt: at(3600) }, null) },
    acct_old: { kind: "status", status: 500, body: { error: `upstream echoed Bearer ${planted}` } },
  }, { rt_acct_personal_refresh_secret_0: { kind: "rotate", accountId: "acct_personal" } });
  // A gateway enabled in the user's config: its key travels in the URL path and must never be printed.
  const gatewayKey = "sk-cao-gw-0123456789abcdef";
  await Deno.writeTextFile(
    `${home.userHome}/.codex/config.toml`,
    `openai_base_url = "http://127.0.0.1:9/k/${gatewayKey}"\n`,
  );
  await Deno.writeTextFile(
    `${home.caoHome}/gateway.json`,
    JSON.stringify({ key: gatewayKey, running: null }),
  );
  const env = {
    CAO_CHATGPT_BASE_URL: `${mock.url}/backend-api`,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token`,
  };
  const commands = [
    ["status"],
    ["status", "--pretty"],
    ["status", "--compact"],
    ["status", "--full"],
    ["status", "--json"],
    ["status", "--refresh", "--json"],
    ["status", "--refresh", "--full"],
    ["status", "--doctor"],
    ["status", "--doctor", "--json"],
    ["status", "--report"],
    ["status", "--report", "json"],
    ["status", "--report", "md", "--redact"],
    ["doctor"],
    ["doctor", "--json"],
    ["report"],
    ["report", "--format", "json"],
    ["report", "--refresh", "--format", "json", "--redact"],
    ["list", "--details"],
    ["list", "--details", "--json"],
    ["current", "--json"],
  ];
  const secrets = [...new Set([...await secretsIn(home, names), planted, gatewayKey])];
  assert.ok(secrets.length >= 9);
  for (const args of commands) {
    const result = await cao(home, args, env);
    assert.ok(result.code <= 2, `${args.join(" ")}: ${result.stderr}`);
    const output = result.stdout + result.stderr;
    assert.ok(output.length > 0);
    // Tokens rotated by --refresh are new secrets too.
    for (const secret of [...secrets, ...await secretsIn(home, names)]) {
      assert.ok(!output.includes(secret), `cao ${args.join(" ")} printed a token`);
    }
    assert.ok(!/rt_acct_\w+_refresh_secret/.test(output), `cao ${args.join(" ")} printed a refresh token`);
  }
  assert.ok(mock.requests.some((r) => r.path === "/oauth/token"), "a rotation happened during the scan");
});
