/**
 * The start-up fast paths (`cao status`, `cao gateway start`) must behave exactly like the full parser for
 * what they accept, and decline everything else.
 */
import assert from "node:assert/strict";
import { parseFastGatewayStart, parseFastStatus } from "../../src/cli/fast_path.ts";
import { buildProgram, commandNameOf, loadRegisters } from "../../src/cli/commands.ts";
import type { CliDeps } from "../../src/cli/deps.ts";
import type { Command } from "../../src/deps/commander.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

Deno.test("parseFastStatus() takes only plain status invocations", () => {
  assert.deepEqual(parseFastStatus(["status"]), { globals: {}, options: {} });
  assert.deepEqual(parseFastStatus(["--data-dir", "/d", "status", "--json", "--no-color"]), {
    globals: { dataDir: "/d", color: false },
    options: { json: true },
  });
  assert.deepEqual(parseFastStatus(["--data-dir=/x", "status", "--compact"])?.globals, { dataDir: "/x" });
  for (
    const argv of [
      [],
      ["list"],
      ["status", "--doctor"],
      ["status", "--watch"],
      ["status", "--refresh"],
      ["status", "--help"],
      ["status", "extra"],
      ["status", "status"],
      ["--data-dir", "status"],
      ["--json", "status"],
      ["--codex", "x", "status"],
    ]
  ) {
    assert.equal(parseFastStatus(argv), null, argv.join(" "));
  }
});

Deno.test("the fast path prints what the full parser prints", async () => {
  await using home = await makeTempHome();
  const now = new Date("2026-11-21T12:00:00Z");
  await runCaoInProcess(home, ["add", "work", "--no-login"], { now });
  await runCaoInProcess(home, ["add", "spare", "--no-login"], { now });
  await Deno.writeTextFile(
    `${home.caoHome}/work/auth.json`,
    JSON.stringify(fakeAuthJson({ email: "w@example.com" })),
  );
  for (
    const argv of [
      ["status"],
      ["status", "--json"],
      ["status", "--full"],
      ["status", "--pretty"],
      ["--no-color", "status", "--pretty"],
      ["status", "--json", "--full"],
    ]
  ) {
    for (const terminal of [false, true]) {
      const full = await runCaoInProcess(home, argv, { now, terminal });
      const fast = await runCaoInProcess(home, argv, { now, terminal, entry: "fast" });
      assert.deepEqual(fast, full, `${argv.join(" ")} (terminal: ${terminal})`);
    }
  }
  const declined = await runCaoInProcess(home, ["status", "--doctor"], { now, entry: "fast" });
  assert.equal(declined.code, -1);
  assert.equal(declined.stdout, "");
});

Deno.test("commandNameOf() finds the command after global options and their values", () => {
  assert.equal(commandNameOf(["--data-dir", "/x", "--no-color", "list", "--json"]), "list");
  assert.equal(commandNameOf(["--codex", "/bin/codex", "run", "--", "exec"]), "run");
  assert.equal(commandNameOf(["--help"]), null);
  assert.equal(commandNameOf(["--", "status"]), null);
});

Deno.test("loadRegisters() loads only the named command, none for --version, all otherwise", async () => {
  assert.equal((await loadRegisters(["list"])).length, 1);
  assert.equal((await loadRegisters(["ls"])).length, 1, "aliases count");
  assert.equal((await loadRegisters(["--version"])).length, 0);
  const all = (await loadRegisters()).length;
  assert.ok(all >= 14);
  assert.equal(
    (await loadRegisters(["frobnicate"])).length,
    all,
    "an unknown command gets the whole program",
  );
  assert.equal((await loadRegisters(["completions", "bash"])).length, all);
});

Deno.test("parseFastGatewayStart() hands over what the full parser would, and declines the rest", async () => {
  const deps = { stdout: () => {}, stderr: () => {} } as unknown as CliDeps;
  const parsed = async (argv: string[]) => {
    const program = buildProgram(deps, () => Promise.resolve(), await loadRegisters(argv));
    await program.parseAsync(argv, { from: "user" });
    const gateway = (program.commands as Command[]).find((c) => c.name() === "gateway")!;
    const start = (gateway.commands as Command[]).find((c) => c.name() === "start")!;
    const { color, ...globals } = program.opts() as Record<string, unknown>;
    return { globals: color === false ? { ...globals, color } : globals, options: start.opts() };
  };
  for (
    const argv of [
      ["gateway", "start"],
      ["--data-dir", "/d", "gateway", "start", "--port", "0", "--upstream", "http://127.0.0.1:9"],
      ["--no-color", "--codex=/bin/codex", "gateway", "start", "--detach", "--save", "--switch-at", "off"],
      ["gateway", "start", "--bind=0.0.0.0", "--allow-remote", "--idle-timeout", "3", "--retries", "1"],
      ["gateway", "start", "--default-cooldown", "0"],
      ["--data-dir", "/h", "gateway", "start", "--port", "1", "--port", "2", "--log-file", "/h/gateway.log"],
      ["gateway", "start", "--data-dir", "/late"],
    ]
  ) {
    assert.deepEqual(parseFastGatewayStart(argv), await parsed(argv), argv.join(" "));
  }
  for (
    const argv of [
      ["gateway"],
      ["gateway", "status"],
      ["start", "gateway"],
      ["gateway", "start", "--help"],
      ["gateway", "start", "extra"],
      ["gateway", "start", "--port"],
      ["gateway", "start", "--port", "-1"],
      ["gateway", "start", "--port="],
      ["gateway", "start", "--detach=yes"],
      ["gateway", "start", "--json"],
      ["--port", "1", "gateway", "start"],
      ["gateway", "--detach", "start"],
    ]
  ) {
    assert.equal(parseFastGatewayStart(argv), null, argv.join(" "));
  }
});
