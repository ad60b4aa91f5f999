import assert from "node:assert/strict";
import { usageLines } from "../../src/cli/usage_errors.ts";
import { commandPaths, loadFullProgram } from "../support/cli_program.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

const status = { path: ["status"], usage: "[options]" };

Deno.test("usageLines() rewords commander's errors as one Cannot line and a hint", () => {
  assert.deepEqual(usageLines("error: unknown option '--bogus'", status), {
    message: "Cannot use --bogus: cao status has no such option",
    hint: 'see "cao status --help"',
  });
  assert.deepEqual(usageLines("error: unknown option '--jsn'\n(Did you mean --json?)", status), {
    message: "Cannot use --jsn: cao status has no such option",
    hint: "did you mean --json?",
  });
  assert.deepEqual(
    usageLines("error: unknown command 'stats'\n(Did you mean status?)", { path: [], usage: "" }),
    {
      message: 'Cannot run "cao stats": there is no such command',
      hint: "did you mean status?",
    },
  );
  assert.deepEqual(
    usageLines("error: missing required argument 'name'", { path: ["use"], usage: "[options] <name>" }),
    {
      message: 'Cannot run "cao use": it needs <name>',
      hint: "usage: cao use [options] <name>",
    },
  );
  assert.deepEqual(usageLines("error: option '--timeout <seconds>' argument missing", status), {
    message: "Cannot use --timeout: it needs a value",
    hint: "write --timeout <seconds>",
  });
  assert.deepEqual(
    usageLines(
      "error: option '--format <format>' argument 'pdf' is invalid. Allowed choices are md, json.",
      status,
    ),
    { message: 'Cannot use --format "pdf": the choices are md and json', hint: null },
  );
  assert.deepEqual(
    usageLines(
      "error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
      status,
    ),
    { message: 'Cannot use "tcsh" as <shell>: the choices are bash, zsh and fish', hint: null },
  );
  assert.deepEqual(
    usageLines("error: too many arguments for 'list'. Expected 0 arguments but got 1: extra.", {
      path: ["list"],
      usage: "[options]",
    }),
    { message: 'Cannot use "extra": cao list takes no arguments', hint: "usage: cao list [options]" },
  );
  assert.deepEqual(usageLines("error: option '--a' cannot be used with option '--b <x>'", status), {
    message: "Cannot combine --a and --b",
    hint: "use one of them",
  });
  assert.deepEqual(usageLines("error: something new", status), {
    message: "something new",
    hint: 'see "cao status --help"',
  });
});

Deno.test("every command refuses an unknown option with exit 2, one error line and one hint", async () => {
  await using home = await makeTempHome();
  const paths = commandPaths(await loadFullProgram());
  assert.ok(paths.length > 15, "every command, nested ones too");
  for (const path of paths) {
    const result = await runCaoInProcess(home, [...path, "--no-such-flag"]);
    const where = path.join(" ");
    assert.equal(result.code, 2, where);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2, `${where}: ${result.stderr}`);
    // A command with a default subcommand (cao cooldown → list) reports it there.
    assert.match(
      lines[0],
      new RegExp(`^error: Cannot use --no-such-flag: cao ${where}( [a-z-]+)? has no such option$`),
    );
    assert.match(lines[1], /^hint: /);
    assert.equal(result.stdout, "", where);
  }
});
