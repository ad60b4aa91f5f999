/**
 * `cao doctor` checks the home itself: a gateway.json that does not parse is moved aside, folders without an entry and entries without a
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
  assert.match(
    by("damaged-file-moved-aside")[0]?.message ?? "",
    /^gateway\.json could not be parsed .* moved to/,
  );
  assert.equal(by("gateway-json-unparsable").length, 0, "moved aside before the checks");
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

Deno.test("homeFindings() names a gateway.json the doctor could not move aside, with its fix", async () => {
  const { homeFindings } = await import("../../src/status/doctor_home.ts");
  const findings = homeFindings({
    root: "/h",
    writable: { ok: false, reason: "permission denied" },
    gatewayFile: { kind: "unparsable", path: "/h/gateway.json", reason: "Unexpected end of JSON input" },
    orphanFolders: [],
    entriesWithoutHome: [],
    pendingChange: false,
    leftovers: [],
  });
  const broken = findings.find((f) => f.check === "gateway-json-unparsable");
  assert.equal(broken?.severity, "error");
  assert.match(broken?.fix ?? "", /^mv "\/h\/gateway\.json" "\/h\/gateway\.json\.bad"/);
});
