/**
 * Conflicting or malformed flags are refused before anything runs: exit 2, one `error: Cannot …` line and at
 * most one `hint:` line, nothing on stdout.
 */
import assert from "node:assert/strict";
import { checkStatusFlags } from "../../src/cli/status_flags.ts";
import { fallbackFlagGiven } from "../../src/cli/run.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

Deno.test("checkStatusFlags() lets the documented combinations through", () => {
  for (
    const flags of [
      {},
      { json: true },
      { refresh: true, timeout: "5" },
      { watch: "2", refresh: true },
      { doctor: true, json: true, maxFailures: "2", expiresWithinHours: "12" },
      { report: true, json: true },
      { report: "json", json: true, redact: true },
      { report: "md", refresh: true, timeout: "3", maxFailures: "4" },
    ]
  ) checkStatusFlags(flags);
});

Deno.test("checkStatusFlags() refuses conflicts and malformed values, used or not", () => {
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ report: "md", json: true }, /^Cannot combine --report md and --json$/],
    [{ timeout: "abc" }, /^Cannot use --timeout "abc": expected/],
    [{ timeout: "5" }, /^Cannot use --timeout without --refresh$/],
    [{ watch: "soon" }, /^Cannot use --watch "soon"/],
    [{ doctor: true, report: true }, /^Cannot combine --doctor and --report$/],
    [{ doctor: true, compact: true }, /^Cannot combine --doctor and --compact$/],
    [{ report: "json", watch: true }, /^Cannot combine --report and --watch$/],
    [{ doctor: true, refresh: true }, /^Cannot combine --doctor and --refresh$/],
    [{ maxFailures: "3" }, /^Cannot use --max-failures without --doctor$/],
    [{ doctor: true, expiresWithinHours: "-1" }, /^Cannot use --expires-within-hours "-1"/],
    [{ redact: true }, /^Cannot use --redact without --report$/],
  ];
  for (const [flags, message] of refused) {
    assert.throws(
      () => checkStatusFlags(flags),
      (error: Error) => message.test(error.message),
      JSON.stringify(flags),
    );
  }
});

Deno.test("fallbackFlagGiven() names the first flag --gateway has no use for", () => {
  assert.equal(fallbackFlagGiven({ fallback: true, wait: false }), null);
  assert.equal(fallbackFlagGiven({ fallback: false, wait: false }), "--no-fallback");
  assert.equal(fallbackFlagGiven({ fallback: true, wait: false, resumePrompt: "go" }), "--resume-prompt");
});

Deno.test("every command refuses conflicting and malformed flags with exit 2, one line and one hint", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoInProcess(home, ["add", "work", "--no-login"])).code, 0);
  const bad = [
    ["status", "--report", "md", "--json"],
    ["status", "--timeout", "abc"],
    ["status", "--timeout", "5"],
    ["status", "--doctor", "--full"],
    ["status", "--doctor", "--refresh"],
    ["status", "--json", "--full"],
    ["status", "--max-failures", "3"],
    ["report", "--timeout", "3"],
    ["report", "--format", "pdf"],
    ["doctor", "--max-failures", "zero"],
    ["add", "other", "--no-login", "--device-auth"],
    ["run", "--gateway", "--max-passes", "3"],
    ["run", "--max-passes", "many"],
    ["reserve", "work", "150"],
    ["gateway", "start", "--port", "http"],
    ["completions", "tcsh"],
    ["list", "--details", "extra"],
    ["cooldown", "clear"],
  ];
  for (const args of bad) {
    const result = await runCaoInProcess(home, args);
    const what = args.join(" ");
    assert.equal(result.code, 2, `${what}: ${result.stderr}`);
    assert.equal(result.stdout, "", what);
    const lines = result.stderr.trimEnd().split("\n");
    assert.ok(lines.length <= 2, `${what}: ${result.stderr}`);
    assert.match(lines[0], /^error: Cannot /, what);
    if (lines.length === 2) assert.match(lines[1], /^hint: /, what);
  }
});
