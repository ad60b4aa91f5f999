/**
 * A closed stdout (`cao list | head -1`, `| grep -q`) ends the command quietly with the exit code it would
 * have had: real pipes into a real `head`, and a pipe closed before cao writes anything.
 */

import assert from "node:assert/strict";
import { CAO_PERMISSIONS, MAIN_TS, makeTempHome, runCaoProcess, type TempHome } from "../support/run_cao.ts";

function envOf(home: TempHome): Record<string, string> {
  return {
    HOME: home.userHome,
    CAO_HOME: home.caoHome,
    CODEX_HOME: `${home.userHome}/.codex`,
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  };
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Runs `cao <args> | head -1` in bash with pipefail, so the exit code is cao's. */
async function pipedToHead(home: TempHome, args: string[]): Promise<{ code: number; stderr: string }> {
  const cao = [Deno.execPath(), "run", "--quiet", ...CAO_PERMISSIONS, MAIN_TS, ...args].map(quote).join(" ");
  const out = await new Deno.Command("bash", {
    args: ["-c", `set -o pipefail; ${cao} | head -1 >/dev/null`],
    env: envOf(home),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Runs cao with a stdout pipe whose reading end is closed before cao writes. */
async function closedBeforeWriting(
  home: TempHome,
  args: string[],
): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...CAO_PERMISSIONS, MAIN_TS, ...args],
    env: envOf(home),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await child.stdout.cancel();
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  return { code: status.code, stderr };
}

Deno.test("a closed stdout ends a command quietly with its own exit code", async (t) => {
  await using home = await makeTempHome();
  for (const name of ["alpha", "bravo", "charlie", "delta"]) {
    assert.equal((await runCaoProcess(home, ["add", name, "--no-login"])).code, 0);
  }

  await t.step("cao list | head -1 exits 0, ten times in ten", async () => {
    for (let i = 0; i < 10; i++) {
      const run = await pipedToHead(home, ["list"]);
      assert.equal(run.stderr, "", `run ${i}`);
      assert.equal(run.code, 0, `run ${i}`);
    }
  });

  await t.step("list, status and doctor into a pipe closed before they write", async () => {
    for (const args of [["list"], ["status"], ["list", "--json"]]) {
      const run = await closedBeforeWriting(home, args);
      assert.equal(run.stderr, "", args.join(" "));
      assert.equal(run.code, 0, args.join(" "));
    }
    // Accounts without a login are doctor errors: its verdict 2 survives the closed pipe.
    const doctor = await closedBeforeWriting(home, ["doctor", "--codex", "/nonexistent/codex"]);
    assert.doesNotMatch(doctor.stderr, /bug in cao|Broken pipe/);
    assert.equal(doctor.code, 2);
  });
});
