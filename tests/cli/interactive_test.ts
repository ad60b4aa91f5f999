// deno-lint-ignore-file no-control-regex
/**
 * Prompts only on a terminal, and colour only on a terminal without NO_COLOR / --no-color: the CLI in-process
 * with a fake terminal and scripted answers.
 */
import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

Deno.test("switch picks from a list on a terminal; a cancelled pick changes nothing", async () => {
  await using home = await makeTempHome();
  for (const name of ["a", "b"]) {
    assert.equal((await runCaoInProcess(home, ["add", name, "--no-login"])).code, 0);
  }
  let offered: string[] = [];
  const picked = await runCaoInProcess(home, ["switch"], {
    terminal: true,
    env: { NO_COLOR: "1" },
    prompts: {
      select: (_message, choices, initial) => {
        offered = choices.map((c) => c.value);
        assert.equal(initial, "a", "the current default is preselected");
        return Promise.resolve("b");
      },
    },
  });
  assert.equal(picked.code, 0, picked.stderr);
  assert.deepEqual(offered, ["a", "b"]);
  assert.match(picked.stdout, /Default account: b \(was a\)/);
  const cancelled = await runCaoInProcess(home, ["switch"], {
    terminal: true,
    prompts: { select: () => Promise.resolve(null) },
  });
  assert.match(cancelled.stdout, /Nothing changed/);
  const current = await runCaoInProcess(home, ["current"]);
  assert.match(current.stdout, /^b /);
});

Deno.test("remove asks on a terminal and keeps the account when the answer is no", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoInProcess(home, ["add", "a", "--no-login"])).code, 0);
  let question = "";
  const no = await runCaoInProcess(home, ["remove", "a"], {
    terminal: true,
    prompts: { confirm: (message) => (question = message, Promise.resolve(false)) },
  });
  assert.equal(no.code, 0);
  assert.match(
    question,
    /Remove account "a" and delete its home and login \(its conversations move to your own Codex home\)\?/,
  );
  assert.match(no.stdout, /Nothing removed/);
  await Deno.stat(`${home.caoHome}/a`);
  const yes = await runCaoInProcess(home, ["remove", "a"], {
    terminal: true,
    prompts: { confirm: () => Promise.resolve(true) },
  });
  assert.match(yes.stdout, /Removed account a/);
});

Deno.test("colour only on a terminal, never with NO_COLOR or --no-color", async () => {
  await using home = await makeTempHome();
  const added = await runCaoInProcess(home, ["add", "a", "--no-login"], { terminal: true });
  assert.match(added.stdout, /\x1b\[1ma\x1b\[22m/, "bold name on a terminal");
  const plain = await runCaoInProcess(home, ["list"], { terminal: false });
  assert.doesNotMatch(plain.stdout, /\x1b\[/);
  const noColorEnv = await runCaoInProcess(home, ["list"], { terminal: true, env: { NO_COLOR: "1" } });
  assert.doesNotMatch(noColorEnv.stdout, /\x1b\[/);
  const flag = await runCaoInProcess(home, ["--no-color", "list"], { terminal: true });
  assert.doesNotMatch(flag.stdout, /\x1b\[/);
  const coloured = await runCaoInProcess(home, ["list"], { terminal: true });
  assert.match(coloured.stdout, /\x1b\[33mnot logged in/);
});

Deno.test("--data-dir beats CAO_HOME", async () => {
  await using home = await makeTempHome();
  const other = `${home.dir}/elsewhere`;
  assert.equal((await runCaoInProcess(home, ["--data-dir", other, "add", "x", "--no-login"])).code, 0);
  await Deno.stat(`${other}/registry.json`);
  await assert.rejects(() => Deno.stat(`${home.caoHome}/registry.json`), Deno.errors.NotFound);
});

Deno.test("completion suggests account names for commands that take one", async () => {
  await using home = await makeTempHome();
  for (const name of ["alpha", "beta"]) {
    assert.equal((await runCaoInProcess(home, ["add", name, "--no-login"])).code, 0);
  }
  const use = await runCaoInProcess(home, ["complete", "--", "use", ""]);
  assert.match(use.stdout, /^alpha\t/m);
  assert.match(use.stdout, /^beta\t/m);
  const rename = await runCaoInProcess(home, ["complete", "--", "rename", "be"]);
  assert.match(rename.stdout, /^beta\t/m);
  assert.doesNotMatch(rename.stdout, /^alpha/m);
});
