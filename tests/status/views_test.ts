/**
 * Snapshots of every status view, the doctor and the reports over one cao home holding accounts in every
 * state (see status_fixture.ts), with the clock pinned and temp paths normalised; plus the view choice,
 * colour rules and the 80-column limit of the dashboard.
 */

import assert from "node:assert/strict";
import { visibleWidth } from "../../src/shared/format.ts";
import { makeTempHome, runCaoInProcess, type TempHome } from "../support/run_cao.ts";
import { normalisePaths, TEXT } from "../support/snapshot.ts";
import {
  NOW,
  status,
  writeAccount,
  writeFakeCodex,
  writeFourAccounts,
  writeRegistry,
  writeStatuses,
} from "./status_fixture.ts";

const ESC = "\x1b[";

function stripAnsi(text: string): string {
  return text.split(ESC).map((part, i) => i === 0 ? part : part.replace(/^[0-9;]*m/, "")).join("");
}

async function cao(
  home: TempHome,
  args: string[],
  options: { terminal?: boolean; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const codex = await writeFakeCodex(home.dir);
  const result = await runCaoInProcess(home, ["--codex", codex, ...args], {
    now: NOW,
    terminal: options.terminal ?? false,
    env: { NO_COLOR: "1", ...options.env },
  });
  const clean = (text: string) => normalisePaths(text, { [home.dir]: "<TMP>" });
  return { code: result.code, stdout: clean(result.stdout), stderr: clean(result.stderr) };
}

Deno.test("status views, doctor and reports match their snapshots", async (t) => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const cases: [string[], number][] = [
    [["status"], 0],
    [["status", "--pretty"], 0],
    [["status", "--full"], 0],
    [["status", "--json"], 0],
    [["list", "--details"], 0],
    [["doctor"], 2],
    [["doctor", "--json"], 2],
    [["report"], 0],
    [["report", "--redact"], 0],
    [["report", "--format", "json", "--redact"], 0],
  ];
  for (const [args, code] of cases) {
    await t.step(`cao ${args.join(" ")}`, async (t) => {
      const result = await cao(home, args);
      assert.equal(result.code, code, result.stderr);
      assert.equal(result.stderr, "");
      await t.assertSnapshot(result.stdout, TEXT);
    });
  }
});

Deno.test("the two dialects print the same thing", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const pairs: [string[], string[]][] = [
    [["status", "--doctor"], ["doctor"]],
    [["status", "--doctor", "--json"], ["doctor", "--json"]],
    [["status", "--report"], ["report"]],
    [["status", "--report", "md"], ["report", "--format", "md"]],
    [["status", "--report", "json", "--redact"], ["report", "--format", "json", "--redact"]],
    [["status", "--report", "--json"], ["report", "--format", "json"]],
    [["status", "--doctor", "--max-failures", "5"], ["doctor", "--max-failures", "5"]],
  ];
  for (const [a, b] of pairs) {
    const [left, right] = [await cao(home, a), await cao(home, b)];
    assert.equal(left.code, right.code, `${a.join(" ")} vs ${b.join(" ")}`);
    assert.equal(left.stdout, right.stdout, `${a.join(" ")} vs ${b.join(" ")}`);
  }
});

Deno.test("status picks the dashboard on a terminal, with colour unless NO_COLOR or --no-color", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const plain = await cao(home, ["status", "--pretty"]);
  const coloured = await cao(home, ["status"], { terminal: true, env: { NO_COLOR: "" } });
  assert.ok(coloured.stdout.includes(ESC), "colour on a terminal");
  assert.equal(stripAnsi(coloured.stdout), plain.stdout);
  const noColorEnv = await cao(home, ["status"], { terminal: true });
  assert.equal(noColorEnv.stdout, plain.stdout);
  const noColorFlag = await cao(home, ["--no-color", "status"], { terminal: true, env: { NO_COLOR: "" } });
  assert.equal(noColorFlag.stdout, plain.stdout);
  const piped = await cao(home, ["status", "--compact"], { env: { NO_COLOR: "" } });
  assert.ok(!piped.stdout.includes(ESC), "no colour when stdout is not a terminal");
  const compactOnTerminal = await cao(home, ["status", "--compact"], { terminal: true });
  assert.equal(compactOnTerminal.stdout, (await cao(home, ["status"])).stdout);
});

Deno.test("the dashboard fits 80 columns with long names, emails and reasons", async () => {
  await using home = await makeTempHome();
  const long = "a-very-long-account-name-that-goes-on-and-on-and-on";
  await writeRegistry(home.caoHome, [long, "x"]);
  await writeAccount(home.caoHome, long, {
    email: "someone.with.a.really.long.address@subdomain.example-company.com",
    plan: "enterprise",
    accountId: "acct_long",
  });
  await writeAccount(home.caoHome, "x", { email: "x@example.com", accountId: "acct_x" });
  await writeStatuses(home.caoHome, {
    x: status({
      needsRelogin: true,
      needsReloginReason: "r".repeat(200),
      consecutiveFailures: 99,
      failures: 120,
    }),
  });
  await Deno.writeTextFile(
    `${home.userHome}/.codex/config.toml`,
    'openai_base_url = "http://127.0.0.1:48123/gw"\n',
  );
  const result = await cao(home, ["status"], { terminal: true, env: { NO_COLOR: "" } });
  assert.equal(result.code, 0);
  for (const line of result.stdout.split("\n")) assert.ok(visibleWidth(line) <= 78, `too wide: ${line}`);
  assert.match(result.stdout, /gateway: 127\.0\.0\.1:48123/);
});

Deno.test("status on an empty home says how to add an account", async () => {
  await using home = await makeTempHome();
  for (const args of [["status"], ["status", "--pretty"], ["status", "--full"]]) {
    const result = await cao(home, args);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /No accounts yet\. Add one with "cao add <name>"/);
  }
  const json = JSON.parse((await cao(home, ["status", "--json"])).stdout);
  assert.deepEqual(json.accounts, []);
  assert.equal(json.defaultAccount, null);
  const doctor = await cao(home, ["doctor", "--json"]);
  assert.equal(doctor.code, 1);
  assert.deepEqual(JSON.parse(doctor.stdout).findings.map((f: { check: string }) => f.check), [
    "no-accounts",
  ]);
});

Deno.test("status refuses conflicting or malformed options with exit 2", async () => {
  await using home = await makeTempHome();
  const bad = [
    ["status", "--json", "--full"],
    ["status", "--pretty", "--compact"],
    ["status", "--watch", "--json"],
    ["status", "--watch", "0"],
    ["status", "--refresh", "--timeout", "soon"],
    ["status", "--redact"],
    ["report", "--format", "pdf"],
    ["doctor", "--max-failures", "0"],
    ["doctor", "--expires-within-hours", "-1"],
  ];
  for (const args of bad) {
    const result = await cao(home, args);
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, /^error: Cannot /, args.join(" "));
  }
});
