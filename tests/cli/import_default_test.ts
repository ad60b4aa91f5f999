/**
 * `cao import codex-auth` chooses the default the way CAO 1.4.2 did, and says which and why: `--default`,
 * then `--current` (which imports nothing of its own), then the marker files, then Loongphy codex-auth's
 * active account, then the snapshot `~/.codex/auth.json` links to.
 */

import assert from "node:assert/strict";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { makeTempHome, runCaoInProcess, type TempHome } from "../support/run_cao.ts";
import { chooseImportDefault } from "../../src/codex/import_default.ts";

async function snapshots(home: TempHome, files: Record<string, string>): Promise<string> {
  const source = `${home.userHome}/.codex/accounts`;
  await Deno.mkdir(source, { recursive: true });
  for (const [file, id] of Object.entries(files)) {
    const auth = fakeAuthJson({ accountId: id, email: `${id}@example.com` });
    await Deno.writeTextFile(`${source}/${file}`, JSON.stringify(auth));
  }
  return source;
}

async function importAndDefault(
  home: TempHome,
  args: string[] = [],
): Promise<{ stdout: string; def: string }> {
  const r = await runCaoInProcess(home, ["import", "codex-auth", ...args]);
  assert.equal(r.code, 0, r.stderr);
  const registry = JSON.parse(await Deno.readTextFile(`${home.caoHome}/registry.json`));
  return { stdout: r.stdout, def: registry.defaultAccount };
}

Deno.test("import codex-auth: a marker file names the default, and the output says so", async () => {
  await using home = await makeTempHome();
  const source = await snapshots(home, { "work.json": "acct_w", "side.json": "acct_s" });
  await Deno.writeTextFile(`${source}/.current`, "side\n");
  const { stdout, def } = await importAndDefault(home);
  assert.equal(def, "side");
  assert.match(stdout, /^Default account: side \(named by .*accounts\/\.current\)$/m);
});

Deno.test("import codex-auth: --current is the active account and imports nothing else; --default wins", async () => {
  await using home = await makeTempHome();
  await snapshots(home, { "work.json": "acct_w", "side.json": "acct_s" });
  await Deno.writeTextFile(`${home.userHome}/.codex/current`, "side");
  const current = await importAndDefault(home, ["--current", "work"]);
  assert.equal(current.def, "work");
  assert.match(current.stdout, /Default account: work \(--current\)/);
  assert.match(current.stdout, /2 imported/, "no ~/.codex/auth.json is needed or read");
  const both = await importAndDefault(home, ["--current", "work", "--default", "side"]);
  assert.equal(both.def, "side");
  assert.match(both.stdout, /Default account: side \(--default\)/);
});

Deno.test("import codex-auth: Loongphy's active account and Sls0n's auth.json link choose the default", async () => {
  await using home = await makeTempHome();
  const key = "user_acct_b::acct_b";
  const encoded = btoa(key).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const source = await snapshots(home, { "acct_a.auth.json": "acct_a", [`${encoded}.auth.json`]: "acct_b" });
  await Deno.writeTextFile(
    `${source}/registry.json`,
    JSON.stringify({ schema_version: 3, active_account_key: key, accounts: [] }),
  );
  const loongphy = await importAndDefault(home);
  assert.equal(loongphy.def, "acct_b@example.com");
  assert.match(loongphy.stdout, /Default account: acct_b@example\.com \(codex-auth's active account/);

  await using other = await makeTempHome();
  const sls0n = await snapshots(other, { "work.json": "acct_w", "side.json": "acct_s" });
  await Deno.symlink(`${sls0n}/work.json`, `${other.userHome}/.codex/auth.json`);
  const linked = await importAndDefault(other);
  assert.equal(linked.def, "work");
  assert.match(linked.stdout, /the snapshot ~\/\.codex\/auth\.json links to/);
});

Deno.test("chooseImportDefault() keeps the seed's order of precedence", () => {
  const none = { marker: null, activeKey: null, authLinkTarget: null };
  assert.equal(chooseImportDefault({}, none, []), null);
  assert.deepEqual(
    chooseImportDefault({ current: "c" }, { ...none, marker: { value: "m", path: "/x" } }, []),
    {
      name: "c",
      reason: "--current",
    },
  );
  assert.deepEqual(chooseImportDefault({}, { ...none, marker: { value: "m", path: "/x/.active" } }, []), {
    name: "m",
    reason: "named by /x/.active",
  });
});
