/**
 * Errors from the operating system reach the user as what cao tried, on which path, and what to do, never as
 * "a bug in cao": a read-only home, a home owned by another user, a CAO_HOME that is a file, `--source` a file.
 * As root the tests drop the capabilities that let root ignore modes (`setpriv --bounding-set`), so they run
 * the way an ordinary user would; where that fails they are skipped, except on CI, where they fail.
 */

import assert from "node:assert/strict";
import { describeOsError } from "../../src/fs/os_error.ts";
import { requireTool, skipMissing } from "../support/ci_tools.ts";
import { CAO_PERMISSIONS, MAIN_TS, makeTempHome, runCaoProcess, type TempHome } from "../support/run_cao.ts";

Deno.test("describeOsError() names the action, the file a temp or lock file stands for, and the state", () => {
  const home = "/h/cao";
  assert.deepEqual(
    describeOsError(
      new Error("Permission denied (os error 13): open '/h/cao/.registry.json.tmp-7-ab12'"),
      home,
    ),
    {
      message: 'Cannot write "/h/cao/registry.json": the cao home is read-only for you (permission denied)',
      hint: 'check the permissions of "/h/cao" (ls -ld), or use --data-dir <another dir>',
    },
  );
  assert.equal(
    describeOsError(new Error("Read-only file system (os error 30): open '/h/cao/registry.json.lock'"), home)
      ?.message,
    'Cannot write "/h/cao/registry.json": the cao home is on a read-only file system',
  );
  assert.equal(
    describeOsError(new Error("Operation not permitted (os error 1): chmod '/h/cao/a/auth.json'"), home)
      ?.message,
    'Cannot change the mode of "/h/cao/a/auth.json": the operation is not permitted (the file belongs to another user?)',
  );
  assert.equal(
    describeOsError(new Error("No space left on device (os error 28): write '/h/cao/x'"), home)?.hint,
    "free some space and run the command again",
  );
  assert.equal(
    describeOsError(new Error("Not a directory (os error 20)"), home)?.message,
    'Cannot use the cao home "/h/cao": a part of the path is a file, not a directory',
  );
  assert.equal(describeOsError(new Error("something else"), home), null);
  assert.equal(describeOsError("not an error", home), null);
});

const isRoot = Deno.uid() === 0;

/** Runs cao as the current user, or as root without the capabilities that bypass file modes. */
async function runUnprivileged(
  home: TempHome,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cao = [Deno.execPath(), "run", "--quiet", ...CAO_PERMISSIONS, MAIN_TS, ...args];
  const [cmd, ...rest] = isRoot
    ? ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner,-chown", "--", ...cao]
    : cao;
  const out = await new Deno.Command(cmd, {
    args: rest,
    env: {
      HOME: home.userHome,
      CAO_HOME: home.caoHome,
      CODEX_HOME: `${home.userHome}/.codex`,
      NO_COLOR: "1",
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function setprivWorks(): Promise<boolean> {
  if (!isRoot) return true;
  try {
    const out = await new Deno.Command("setpriv", { args: ["--bounding-set", "-fowner", "--", "true"] })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** Whether the tests can drop root's capabilities (always, when not root). */
const SETPRIV_WORKS = Deno.build.os === "windows" || await setprivWorks();

Deno.test({
  name: "a read-only cao home: reading works, writing says so, doctor reports it",
  ignore: Deno.build.os === "windows" || skipMissing(!SETPRIV_WORKS),
  fn: async () => {
    requireTool("setpriv --bounding-set (as root)", SETPRIV_WORKS ? "setpriv" : null);
    await using home = await makeTempHome();
    for (const name of ["a", "b"]) {
      assert.equal((await runCaoProcess(home, ["add", name, "--no-login"])).code, 0);
    }
    await Deno.chmod(home.caoHome, 0o500);
    try {
      const list = await runUnprivileged(home, ["list"]);
      assert.equal(list.code, 0, list.stderr);
      const use = await runUnprivileged(home, ["use", "b"]);
      assert.equal(use.code, 1);
      assert.match(
        use.stderr,
        /^error: Cannot write ".*\/registry\.json": the cao home is read-only for you/m,
      );
      assert.match(use.stderr, /^hint: check the permissions of ".*" \(ls -ld\), or use --data-dir/m);
      assert.doesNotMatch(use.stderr, /bug in cao/);
      const add = await runUnprivileged(home, ["add", "c", "--no-login"]);
      assert.equal(add.code, 1);
      assert.match(add.stderr, /Cannot \w+ ".*": the cao home is read-only for you/);
      const doctor = await runUnprivileged(home, ["doctor", "--json", "--codex", "/nonexistent/codex"]);
      assert.equal(doctor.code, 2);
      const finding = JSON.parse(doctor.stdout).findings.find((f: { check: string }) =>
        f.check === "home-not-writable"
      );
      assert.match(finding?.message ?? "", /the cao home cannot be written/, doctor.stdout);
    } finally {
      await Deno.chmod(home.caoHome, 0o700);
    }
  },
});

Deno.test({
  name: "a cao home owned by another user: list reads it without chmod and says the mode is loose",
  ignore: !isRoot || skipMissing(!SETPRIV_WORKS),
  fn: async () => {
    requireTool("setpriv --bounding-set (as root)", SETPRIV_WORKS ? "setpriv" : null);
    await using home = await makeTempHome();
    assert.equal((await runCaoProcess(home, ["add", "a", "--no-login"])).code, 0);
    await Deno.writeTextFile(`${home.caoHome}/a/auth.json`, "{}", { mode: 0o644 });
    await Deno.chmod(`${home.caoHome}/a/auth.json`, 0o644);
    for (const path of [home.caoHome, `${home.caoHome}/a`]) await Deno.chmod(path, 0o755);
    for (const entry of ["", "/a", "/a/auth.json", "/a/config.toml", "/registry.json"]) {
      await Deno.chown(`${home.caoHome}${entry}`, 65534, 65534);
    }
    await Deno.chmod(`${home.caoHome}/a/config.toml`, 0o644);
    await Deno.chmod(`${home.caoHome}/registry.json`, 0o644);
    try {
      const list = await runUnprivileged(home, ["list"]);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stderr, /a\/auth\.json" has mode 0644: others may read it/);
      assert.doesNotMatch(list.stderr, /bug in cao|chmod '/);
    } finally {
      await new Deno.Command("chown", { args: ["-R", `${Deno.uid()}:${Deno.gid()}`, home.caoHome] }).output();
    }
  },
});

Deno.test("CAO_HOME naming a file, and --source naming a file, are said so", async () => {
  await using home = await makeTempHome();
  const file = `${home.dir}/a-file`;
  await Deno.writeTextFile(file, "x");
  for (const args of [["list"], ["status"], ["add", "x", "--no-login"], ["doctor"]]) {
    const r = await runCaoProcess(home, args, { env: { CAO_HOME: file } });
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr, /^error: Cannot use the cao home ".*a-file": it is a file, not a directory$/m);
    assert.match(r.stderr, /^hint: point --data-dir or CAO_HOME at a directory/m);
  }
  const source = await runCaoProcess(home, ["import", "codex-auth", "--source", file]);
  assert.equal(source.code, 1);
  assert.match(source.stderr, /Cannot import from ".*a-file": it is a file, not a directory/);
  assert.doesNotMatch(source.stderr, /bug in cao/);
});
