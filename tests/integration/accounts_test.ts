/**
 * Account commands end to end: main.ts as a child process with explicit permissions, a temp home, and the
 * real Codex CLI checking what cao writes.
 */
import assert from "node:assert/strict";
import { runCodex } from "../support/codex_bin.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { writeFakeLoginCodex } from "../support/fake_login_codex.ts";
import { makeTempHome, runCaoProcess } from "../support/run_cao.ts";

async function readJson(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

async function writeAuth(file: string, options = {}) {
  const auth = fakeAuthJson(options);
  await Deno.writeTextFile(file, JSON.stringify(auth));
  return auth;
}

function allTokens(auth: Record<string, unknown>): string[] {
  const tokens = auth.tokens as Record<string, string>;
  return [tokens.id_token, tokens.access_token, tokens.refresh_token];
}

Deno.test("account commands: add, list, use, current, switch, rename, remove", async (t) => {
  await using home = await makeTempHome();

  await t.step("add --no-login registers accounts, the first is the default", async () => {
    const a = await runCaoProcess(home, ["add", "work", "--no-login"]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /Added account work \(default\)/);
    const b = await runCaoProcess(home, ["add", "me@example.com", "--no-login"]);
    assert.equal(b.code, 0, b.stderr);
    const registry = await readJson(`${home.caoHome}/registry.json`);
    assert.deepEqual(registry.accounts.map((x: { name: string }) => x.name), ["work", "me@example.com"]);
    assert.equal(registry.defaultAccount, "work");
    assert.equal(registry.schemaVersion, 1);
  });

  await t.step("list --json shows both, not logged in", async () => {
    const r = await runCaoProcess(home, ["list", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.accounts.map((
        a: { name: string; default: boolean; loggedIn: boolean },
      ) => [a.name, a.default, a.loggedIn]),
      [
        ["work", true, false],
        ["me@example.com", false, false],
      ],
    );
    for (const key of ["name", "default", "loggedIn", "email", "plan", "accountId"]) {
      assert.ok(key in doc.accounts[0], key);
    }
  });

  await t.step("use and current", async () => {
    const r = await runCaoProcess(home, ["use", "me@example.com"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Default account: me@example.com \(was work\)/);
    const c = await runCaoProcess(home, ["current", "--json"]);
    assert.equal(JSON.parse(c.stdout).account.name, "me@example.com");
  });

  await t.step("switch without a terminal and without a name is a usage error", async () => {
    const r = await runCaoProcess(home, ["switch"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass a name: "cao switch <name>"/);
    const ok = await runCaoProcess(home, ["switch", "work"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await readJson(`${home.caoHome}/registry.json`)).defaultAccount, "work");
  });

  await t.step("rename moves the home and keeps status and default", async () => {
    await Deno.writeTextFile(
      `${home.caoHome}/account_status.json`,
      JSON.stringify({ schemaVersion: 1, accounts: { work: { attempts: 7, successes: 5 } } }),
    );
    const r = await runCaoProcess(home, ["rename", "work", "office"]);
    assert.equal(r.code, 0, r.stderr);
    const registry = await readJson(`${home.caoHome}/registry.json`);
    assert.deepEqual(registry.accounts.map((x: { name: string }) => x.name), ["office", "me@example.com"]);
    assert.equal(registry.defaultAccount, "office");
    const status = await readJson(`${home.caoHome}/account_status.json`);
    assert.equal(status.accounts.office.attempts, 7);
    assert.equal(status.accounts.work, undefined);
    await Deno.stat(`${home.caoHome}/office/config.toml`);
    await assert.rejects(() => Deno.stat(`${home.caoHome}/work`), Deno.errors.NotFound);
    const clash = await runCaoProcess(home, ["rename", "office", "me@example.com"]);
    assert.equal(clash.code, 2);
  });

  await t.step("remove asks for --yes without a terminal, then removes and moves the default", async () => {
    const rollout =
      "sessions/2026/11/21/rollout-2026-11-21T10-00-00-0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000.jsonl";
    await Deno.mkdir(`${home.caoHome}/office/sessions/2026/11/21`, { recursive: true });
    await Deno.writeTextFile(`${home.caoHome}/office/${rollout}`, '{"type":"session_meta"}\n');
    const refused = await runCaoProcess(home, ["remove", "office"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /pass --yes/);
    await Deno.stat(`${home.caoHome}/office`);
    const r = await runCaoProcess(home, ["remove", "office", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Default account is now me@example.com/);
    await assert.rejects(() => Deno.stat(`${home.caoHome}/office`), Deno.errors.NotFound);
    assert.match(r.stdout, /Its 1 conversation file\(s\) were moved to/);
    assert.equal(
      await Deno.readTextFile(`${home.userHome}/.codex/${rollout}`),
      '{"type":"session_meta"}\n',
      "the conversation survives the removal in the user's own Codex home",
    );
    const status = await readJson(`${home.caoHome}/account_status.json`);
    assert.equal(status.accounts.office, undefined);
    const kept = await runCaoProcess(home, ["remove", "me@example.com", "--yes", "--keep-files"]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, /kept at .*me@example\.com\.removed-/);
    assert.match(kept.stdout, /No accounts left/);
    const missing = await runCaoProcess(home, ["use", "nobody"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot find account "nobody"/);
  });
});

Deno.test("every bad account name is a usage error that creates nothing", async () => {
  await using home = await makeTempHome();
  for (const name of ["..", ".", "a/b", "../../etc", "x".repeat(65), "sp ace", "semi;colon"]) {
    const r = await runCaoProcess(home, ["add", name, "--no-login"]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, /Cannot use account name/);
  }
  await assert.rejects(() => Deno.stat(home.caoHome), Deno.errors.NotFound, "nothing was created");
  const rename = await runCaoProcess(home, ["rename", "a", "b/c"]);
  assert.equal(rename.code, 2);
});

Deno.test("add hands over to codex login, checks real tokens, and warns about a duplicate login", async () => {
  await using home = await makeTempHome();
  const codex = await writeFakeLoginCodex(home.dir);
  const authFile = `${home.dir}/login.json`;
  const auth = await writeAuth(authFile, {
    email: "dev@example.com",
    plan: "pro",
    accountId: "acct_dev",
  });
  const env = { FAKE_LOGIN_AUTH: authFile };

  const r = await runCaoProcess(home, ["add", "dev", "--codex", codex, "--device-auth"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Logged in dev: dev@example\.com \(pro\)/);
  assert.match(r.stderr, /login args: login --device-auth/);
  const mode = (await Deno.stat(`${home.caoHome}/dev/auth.json`)).mode! & 0o777;
  assert.equal(mode, 0o600);

  const status = await runCodex(["login", "status"], { env: { CODEX_HOME: `${home.caoHome}/dev` } });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stderr, /Logged in using ChatGPT/);
  const features = await runCodex(["features", "list"], { env: { CODEX_HOME: `${home.caoHome}/dev` } });
  assert.match(
    features.stdout,
    /daemon_auto_start\s+\S+\s+false/,
    "the real codex reads cao's account config",
  );

  const resync = await runCaoProcess(home, ["add", "dev", "--no-login"]);
  assert.match(
    resync.stdout,
    /Account dev exists; its status is kept\nLogged in as dev@example\.com \(pro\); config synced/,
  );

  const dup = await runCaoProcess(home, ["add", "dev2", "--codex", codex], { env });
  assert.equal(dup.code, 0, dup.stderr);
  assert.match(dup.stderr, /same ChatGPT login as "dev"/);

  const list = await runCaoProcess(home, ["list"]);
  assert.match(list.stdout, /\*\s+dev\s+dev@example\.com\s+pro\s+logged in/);
  for (const output of [r, dup, list]) {
    for (const token of allTokens(auth)) {
      assert.ok(!(output.stdout + output.stderr).includes(token), "token leaked");
    }
  }
});

Deno.test("add reports a login that left no tokens (codex login status alone proves nothing)", async () => {
  await using home = await makeTempHome();
  const codex = await writeFakeLoginCodex(home.dir);
  const emptyAuth = `${home.dir}/empty.json`;
  await Deno.writeTextFile(emptyAuth, "{}");
  const r = await runCaoProcess(home, ["add", "x", "--codex", codex], {
    env: { FAKE_LOGIN_AUTH: emptyAuth },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot log in account "x": codex login left no ChatGPT tokens in auth\.json/);
  const failed = await runCaoProcess(home, ["add", "y", "--codex", codex], { env: { FAKE_LOGIN_EXIT: "3" } });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /codex login exited with code 3/);
  const list = JSON.parse((await runCaoProcess(home, ["list", "--json"])).stdout);
  assert.equal(list.accounts.length, 2, "the accounts stay registered for a later login");
});

Deno.test("a missing codex gives a clear error with how to install it", async () => {
  await using home = await makeTempHome();
  const r = await runCaoProcess(home, ["add", "w"], { env: { CAO_CODEX_BIN: `${home.dir}/no-such-codex` } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot run codex ".*no-such-codex": not found/);
  assert.match(r.stderr, /npm install -g @openai\/codex/);
});

Deno.test("a read-only command reports corrupt files and a loose mode without changing them; cao doctor moves them aside", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoProcess(home, ["add", "a", "--no-login"])).code, 0);
  assert.equal((await runCaoProcess(home, ["add", "b", "--no-login"])).code, 0);
  await Deno.writeTextFile(`${home.caoHome}/registry.json`, "{ truncated");
  await Deno.writeTextFile(`${home.caoHome}/a/auth.json`, "not json at all");
  await Deno.chmod(`${home.caoHome}/a/auth.json`, 0o644);

  const list = await runCaoProcess(home, ["list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stderr,
    /registry\.json could not be parsed .*; read from the account directories instead \(2 found\), and the file is left as it is \("cao doctor" moves it aside\)/,
  );
  assert.equal(await Deno.readTextFile(`${home.caoHome}/registry.json`), "{ truncated", "left as it is");
  assert.match(list.stderr, /a\/auth\.json" has mode 0644: others may read it; run "chmod 600 /);
  assert.equal((await Deno.stat(`${home.caoHome}/a/auth.json`)).mode! & 0o777, 0o644);
  const doc = JSON.parse(list.stdout);
  assert.deepEqual(doc.accounts.map((x: { name: string; loginState: string }) => [x.name, x.loginState]), [
    ["a", "unreadable"],
    ["b", "not-logged-in"],
  ]);
  const before = (await Array.fromAsync(Deno.readDir(home.caoHome))).map((e) => e.name);
  assert.equal(before.some((n) => n.includes(".corrupt-")), false, before.join(","));
  assert.equal(
    await Deno.readTextFile(`${home.caoHome}/a/auth.json`),
    "not json at all",
    "auth.json left as it was",
  );

  await Deno.writeTextFile(`${home.caoHome}/account_status.json`, "\u0000garbage");
  const details = await runCaoProcess(home, ["list", "--details"]);
  assert.equal(details.code, 0, details.stderr);
  assert.match(
    details.stderr,
    /account_status\.json could not be parsed .*read as empty, and the file is left as it is/,
  );
  assert.equal(await Deno.readTextFile(`${home.caoHome}/account_status.json`), "\u0000garbage");

  const doctor = await runCaoProcess(home, ["doctor", "--json"]);
  const findings: { check: string; message: string }[] = JSON.parse(doctor.stdout).findings;
  const moved = findings.filter((f) => f.check === "damaged-file-moved-aside").map((f) => f.message);
  assert.equal(moved.length, 2, doctor.stdout);
  assert.match(
    moved.join("\n"),
    /registry\.json could not be parsed .* rebuilt from the account directories \(2 found\)/,
  );
  assert.match(moved.join("\n"), /account_status\.json could not be parsed .* moved to/);
  const names = (await Array.fromAsync(Deno.readDir(home.caoHome))).map((e) => e.name);
  const corrupt = names.find((n) => n.startsWith("registry.json.corrupt-"));
  assert.ok(corrupt, names.join(","));
  assert.equal(await Deno.readTextFile(`${home.caoHome}/${corrupt}`), "{ truncated", "kept byte for byte");
  const registry = JSON.parse(await Deno.readTextFile(`${home.caoHome}/registry.json`));
  assert.deepEqual(registry.accounts.map((a: { name: string }) => a.name), ["a", "b"]);
  assert.ok(names.some((n) => n.startsWith("account_status.json.corrupt-")), names.join(","));
});

Deno.test("eight concurrent cao add processes lose no account", async () => {
  await using home = await makeTempHome();
  const names = Array.from({ length: 10 }, (_, i) => `acct${i}`);
  const results = await Promise.all(names.map((name) => runCaoProcess(home, ["add", name, "--no-login"])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const registry = await readJson(`${home.caoHome}/registry.json`);
  assert.deepEqual(registry.accounts.map((a: { name: string }) => a.name).sort(), names.sort());
  assert.ok(names.includes(registry.defaultAccount));
});

Deno.test("import codex-auth adopts both layouts; import codex adopts ~/.codex/auth.json", async (t) => {
  await using home = await makeTempHome();
  const source = `${home.dir}/accounts`;
  await Deno.mkdir(source);
  const named = await writeAuth(`${source}/personal.json`, {
    email: "p@example.com",
    accountId: "acct_p",
  });
  await writeAuth(`${source}/acct_k.auth.json`, {
    email: "k@example.com",
    accountId: "acct_k",
    extra: { keep: 1 },
  });
  await writeAuth(`${source}/acct_n.auth.json`, { email: "n@example.com", accountId: "acct_n" });
  await Deno.writeTextFile(
    `${source}/registry.json`,
    JSON.stringify({ schema_version: 3, accounts: [{ account_id: "acct_k", alias: "Team Alpha" }] }),
  );
  await Deno.writeTextFile(`${source}/broken.json`, "{");
  await Deno.writeTextFile(
    `${source}/apikey.json`,
    JSON.stringify({ OPENAI_API_KEY: "sk-abcdefghijklmnop" }),
  );

  await t.step("import codex-auth", async () => {
    const r = await runCaoProcess(home, [
      "import",
      "codex-auth",
      "--source",
      source,
      "--default",
      "Team-Alpha",
    ]);
    assert.equal(r.code, 1, "invalid files make the exit non-zero");
    assert.match(r.stdout, /3 imported, 0 skipped, 2 invalid/);
    assert.match(r.stdout, /imported\s+Team-Alpha/);
    assert.match(r.stdout, /imported\s+n@example\.com/);
    assert.match(r.stdout, /imported\s+personal/);
    assert.ok(!r.stdout.includes("sk-abcdefghijklmnop"));
    const registry = await readJson(`${home.caoHome}/registry.json`);
    assert.equal(registry.defaultAccount, "Team-Alpha");
    const kept = await readJson(`${home.caoHome}/Team-Alpha/auth.json`);
    assert.equal(kept.keep, 1, "unknown fields survive");
    assert.equal((await Deno.stat(`${home.caoHome}/personal/auth.json`)).mode! & 0o777, 0o600);
  });

  await t.step("a second import skips what exists, --overwrite replaces", async () => {
    const again = await runCaoProcess(home, ["import", "codex-auth", "--source", source, "--json"]);
    const outcomes = JSON.parse(again.stdout).outcomes;
    assert.equal(outcomes.filter((o: { result: string }) => o.result === "skipped").length, 3);
    const over = await runCaoProcess(home, [
      "import",
      "codex-auth",
      "--source",
      source,
      "--overwrite",
      "--json",
    ]);
    assert.equal(
      JSON.parse(over.stdout).outcomes.filter((o: { result: string }) => o.result === "replaced").length,
      3,
    );
  });

  await t.step(
    "import codex names the account after the email and warns about the shared refresh token",
    async () => {
      await writeAuth(`${home.userHome}/.codex/auth.json`, {
        email: "solo@example.com",
        accountId: "acct_solo",
      });
      const r = await runCaoProcess(home, ["import", "codex"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /imported\s+solo@example\.com/);
      assert.match(r.stderr, /shares its refresh token/);
      const status = await runCodex(["login", "status"], {
        env: { CODEX_HOME: `${home.caoHome}/solo@example.com` },
      });
      assert.equal(status.code, 0, status.stderr);
      const list = await runCaoProcess(home, ["list", "--details", "--json"]);
      for (const token of allTokens(named)) assert.ok(!list.stdout.includes(token));
    },
  );
});

Deno.test("the user's config.toml is carried into account homes and kept in sync", async () => {
  await using home = await makeTempHome();
  const userConfig = `${home.userHome}/.codex/config.toml`;
  await Deno.writeTextFile(
    userConfig,
    'model = "gpt-5.5"\nforced_chatgpt_workspace_id = "ws_1"\n[features]\ndaemon_auto_start = true\n',
  );
  assert.equal((await runCaoProcess(home, ["add", "w", "--no-login"])).code, 0);
  const text = await Deno.readTextFile(`${home.caoHome}/w/config.toml`);
  assert.match(text, /model = "gpt-5.5"/);
  assert.match(text, /daemon_auto_start = false/);
  assert.doesNotMatch(text, /forced_chatgpt_workspace_id/);
  await Deno.writeTextFile(userConfig, 'model = "gpt-6.1-sol"\n');
  assert.equal((await runCaoProcess(home, ["add", "w", "--no-login"])).code, 0, "re-adding syncs the config");
  assert.match(await Deno.readTextFile(`${home.caoHome}/w/config.toml`), /model = "gpt-6.1-sol"/);
  const features = await runCodex(["features", "list"], { env: { CODEX_HOME: `${home.caoHome}/w` } });
  assert.equal(features.code, 0, features.stderr);
});

Deno.test("--help, --version, unknown commands and completions", async () => {
  await using home = await makeTempHome();
  const help = await runCaoProcess(home, ["--help"]);
  assert.equal(help.code, 0);
  for (
    const command of ["add", "list", "current", "use", "switch", "rename", "remove", "import", "completions"]
  ) {
    assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`), command);
  }
  const version = await runCaoProcess(home, ["--version"]);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  const unknown = await runCaoProcess(home, ["frobnicate"]);
  assert.equal(unknown.code, 2);
  const bash = await runCaoProcess(home, ["completions", "bash"]);
  assert.equal(bash.code, 0, bash.stderr);
  assert.match(bash.stdout, /complete -F/);
  const suggestions = await runCaoProcess(home, ["complete", "--", "ren"]);
  assert.match(suggestions.stdout, /^rename\t/m);
});
