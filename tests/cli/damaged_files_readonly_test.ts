/**
 * Read-only commands leave a damaged data file as it is: `cao status`, `cao list`, `cao gateway status` and
 * `cao report` say once what is wrong and that `cao doctor` moves it aside, read around it and go on; only
 * `cao doctor` (or a command that writes the file) moves it. main.ts as a child process, real files.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoProcess, type TempHome } from "../support/run_cao.ts";

async function entries(home: TempHome): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(home.caoHome))).map((e) => e.name).sort();
}

Deno.test("read-only commands report damaged data files and leave them; cao doctor moves them aside", async () => {
  await using home = await makeTempHome();
  for (const name of ["a", "b"]) {
    assert.equal((await runCaoProcess(home, ["add", name, "--no-login"])).code, 0);
  }
  const damaged: Record<string, string> = {
    "gateway.json": '{"schemaVersion": 1, "port": ',
    "registry.json": '{"schemaVersion": 1, "accounts": [',
    "account_status.json": '{"schemaVersion": 1, "accounts": [1]}',
    "notify.json": "{ desktop: on",
    "notifications.json": '{"sent": [',
  };
  for (const [name, text] of Object.entries(damaged)) {
    await Deno.writeTextFile(`${home.caoHome}/${name}`, text);
  }
  const before = await entries(home);

  for (
    const args of [["status", "--json"], ["list"], ["gateway", "status"], ["report", "--format", "json"]]
  ) {
    const r = await runCaoProcess(home, args);
    assert.notEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    if (args[0] !== "gateway") assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    const warnings = r.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    const say = (file: string) => warnings.filter((line) => line.includes(file));
    if (args[0] !== "gateway") {
      assert.equal(say("registry.json").length, 1, `${args.join(" ")}: once: ${r.stderr}`);
      assert.match(say("registry.json")[0], /read from the account directories instead \(2 found\)/);
      if (args[0] !== "list") { // plain cao list does not read the status
        assert.match(
          say("account_status.json")[0] ?? "",
          /is unusable \(accounts is not an object\); read as empty/,
        );
      }
    }
    assert.equal(say("gateway.json").length <= 1, true, r.stderr);
    for (const line of warnings) {
      assert.match(
        line,
        /the file is left as it is \("cao doctor" moves it aside\)$/,
      );
    }
    if (args[0] === "gateway") assert.equal(say("gateway.json").length, 1, r.stderr);
    if (args[0] === "report") { // the doctor's checks read the notification settings and log
      assert.match(say("notify.json")[0] ?? "", /could not be parsed .*; the defaults apply/);
      assert.equal(say("notifications.json").length, 1, r.stderr);
    }
    for (const [name, text] of Object.entries(damaged)) {
      assert.equal(
        await Deno.readTextFile(`${home.caoHome}/${name}`),
        text,
        `${args.join(" ")} left ${name}`,
      );
    }
    assert.deepEqual(await entries(home), before, `${args.join(" ")} moved nothing`);
  }
  const status = JSON.parse((await runCaoProcess(home, ["status", "--json"])).stdout);
  assert.deepEqual(
    status.accounts.map((a: { name: string }) => a.name),
    ["a", "b"],
    "read around the damage",
  );

  const doctor = await runCaoProcess(home, ["doctor", "--json"]);
  assert.notEqual(doctor.code, 0, "a repair is a warning at least");
  const repairs = JSON.parse(doctor.stdout).findings.filter((f: { check: string }) =>
    f.check === "damaged-file-moved-aside"
  );
  assert.equal(repairs.length, Object.keys(damaged).length, doctor.stdout);
  assert.ok(repairs.every((f: { severity: string }) => f.severity === "warning"));
  const after = await entries(home);
  for (const name of Object.keys(damaged)) {
    const aside = after.filter((entry) => entry.startsWith(`${name}.corrupt-`));
    assert.equal(aside.length, 1, `${name}: ${after.join(",")}`);
    assert.equal(await Deno.readTextFile(`${home.caoHome}/${aside[0]}`), damaged[name], "kept byte for byte");
  }
  const registry = JSON.parse(await Deno.readTextFile(`${home.caoHome}/registry.json`));
  assert.deepEqual(registry.accounts.map((a: { name: string }) => a.name), ["a", "b"]);
  const again = await runCaoProcess(home, ["status", "--json"]);
  assert.equal(again.stderr, "", "nothing left to report");
  const second = await runCaoProcess(home, ["doctor", "--json"]);
  const checks = JSON.parse(second.stdout).findings.map((f: { check: string }) => f.check);
  assert.equal(checks.includes("damaged-file-moved-aside"), false, "the doctor found nothing more to move");
});
