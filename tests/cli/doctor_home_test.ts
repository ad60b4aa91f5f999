/**
 * `cao doctor` checks the home itself: gateway.json parses, folders without an entry and entries without a
 * folder (each with a fix), and the leftovers of CAO 1.4.2's `gateway enable` with the command that cleans each.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

interface DoctorJson {
  findings: { check: string; severity: string; account: string | null; message: string; fix: string }[];
}

Deno.test("doctor names broken gateway.json, orphan folders and entries, and 1.4.2's leftovers with fixes", async () => {
  await using home = await makeTempHome();
  for (const name of ["a", "b"]) {
    assert.equal((await runCaoInProcess(home, ["add", name, "--no-login"])).code, 0);
  }
  await Deno.remove(`${home.caoHome}/b`, { recursive: true });
  await Deno.mkdir(`${home.caoHome}/stray`);
  await Deno.writeTextFile(`${home.caoHome}/stray/auth.json`, "{}");
  await Deno.writeTextFile(`${home.caoHome}/gateway.json`, "{ not json");
  await Deno.writeTextFile(`${home.caoHome}/real_codex_path`, "/usr/bin/codex");
  const codexHome = `${home.userHome}/.codex`;
  await Deno.writeTextFile(
    `${codexHome}/config.toml`,
    'model_provider = "openai"\n\n[model_providers.openai]\nname = "OpenAI"\nbase_url = "http://127.0.0.1:4319"\n',
  );
  await Deno.writeTextFile(`${codexHome}/config.toml.cao.bak`, "");
  await Deno.mkdir(`${home.userHome}/.local/bin`, { recursive: true });
  await Deno.writeTextFile(`${home.userHome}/.local/bin/codex`, "#!/usr/bin/env bash\n# CAO GATEWAY SHIM\n");

  const r = await runCaoInProcess(home, ["doctor", "--json", "--codex", "/nonexistent/codex"]);
  assert.equal(r.code, 2);
  const findings = (JSON.parse(r.stdout) as DoctorJson).findings;
  const by = (check: string) => findings.filter((f) => f.check === check);
  assert.match(by("gateway-json-unparsable")[0]?.fix ?? "", /^mv ".*gateway\.json" ".*gateway\.json\.bad"/);
  assert.match(by("folder-not-registered")[0]?.fix ?? "", /cao add stray --no-login.*rm -r ".*stray"/);
  assert.equal(by("entry-without-home")[0]?.account, "b");
  assert.match(by("entry-without-home")[0]?.fix ?? "", /"cao remove b"/);
  const leftovers = by("cao-1.4.2-leftover").map((f) => f.fix);
  assert.ok(leftovers.some((fix) => fix === `rm "${home.userHome}/.local/bin/codex"`), leftovers.join("\n"));
  assert.ok(leftovers.some((fix) => fix.includes(`rm "${codexHome}/config.toml.cao.bak"`)));
  assert.ok(leftovers.some((fix) => fix.includes("delete that table and the model_provider")));
  assert.ok(leftovers.some((fix) => fix === `rm "${home.caoHome}/real_codex_path"`));
  assert.equal(by("home-not-writable").length, 0);
});
