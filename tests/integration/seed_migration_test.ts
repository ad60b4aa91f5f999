/**
 * Coming from CAO 1.4.2: a home made by the real seed (`npm:codex-account-orchestrator@1.4.2` under Deno,
 * driven through add, import, use, run, gateway enable and gateway start --save) works in cao with one
 * command and nothing lost, with a backup of every rewritten file; a crash at any step of the migration
 * leaves a home the next command migrates.
 */

import assert from "node:assert/strict";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { makeTempHome, runCaoProcess, type TempHome } from "../support/run_cao.ts";
import { denoDir, runSeed, seedArgs } from "../support/seed_cao.ts";

const FILES = ["registry.json", "account_status.json", "gateway.json"];

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts the seed's gateway with --save (it writes gateway.json first) and stops it once it listens. */
async function seedGatewaySave(home: TempHome, port: number): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: seedArgs(["gateway", "start", "--save", "--port", String(port), "--cooldown-seconds", "600"]),
    env: { HOME: home.userHome, DENO_DIR: await denoDir(), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Gateway started")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGKILL");
  await reader.cancel().catch(() => {});
  await child.status;
  assert.match(seen, /Gateway started/);
}

/** Makes a home the way a CAO 1.4.2 user has it; returns the seed home and the gateway port. */
async function makeSeedHome(home: TempHome): Promise<{ seedHome: string; port: number }> {
  const bin = `${home.dir}/bin`;
  await Deno.mkdir(bin);
  // A codex stand-in for the seed's `run` (quota text for "work") and `gateway enable` (`which -a codex`).
  await Deno.writeTextFile(
    `${bin}/codex`,
    '#!/bin/sh\ncase "$CODEX_HOME" in *work) echo "You have hit your usage limit." >&2; exit 1;; esac\necho ok\n',
  );
  await Deno.chmod(`${bin}/codex`, 0o755);
  const accounts = `${home.userHome}/.codex/accounts`;
  await Deno.mkdir(accounts, { recursive: true });
  for (const name of ["work", "side"]) {
    const auth = fakeAuthJson({ accountId: `acct_${name}`, email: `${name}@example.com` });
    await Deno.writeTextFile(`${accounts}/${name}.json`, JSON.stringify(auth));
  }
  await Deno.writeTextFile(`${home.userHome}/.codex/config.toml`, 'model = "gpt-5.5"\n');
  const path = `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`;
  const steps = [
    ["add", "work", "--no-login"],
    ["add", "personal", "--no-login"],
    ["import", "codex-auth"],
    ["use", "work"],
    ["run", "--codex", `${bin}/codex`, "--retry-delay", "300", "--", "exec", "hi"],
    ["gateway", "enable"],
  ];
  for (const args of steps) {
    const r = await runSeed(home.userHome, args, { PATH: path });
    assert.equal(r.code, 0, `seed ${args.join(" ")}: ${r.stderr}`);
  }
  const port = freePort();
  await seedGatewaySave(home, port);
  return { seedHome: `${home.userHome}/.codex-account-orchestrator`, port };
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  return Object.fromEntries(
    await Promise.all(FILES.map(async (f) => [f, await Deno.readTextFile(`${dir}/${f}`)] as const)),
  );
}

Deno.test("a home made by the real CAO 1.4.2 works in cao with one command, nothing lost", async () => {
  await using home = await makeTempHome();
  const { seedHome, port } = await makeSeedHome(home);
  const before = await snapshot(seedHome);
  assert.match(before["registry.json"], /"default_account": "work"/);
  assert.match(before["account_status.json"], /"cooldownUntilMs"/);
  assert.match(before["gateway.json"], /"bindAddress"/);
  const env = { CAO_HOME: seedHome };

  const list = await runCaoProcess(home, ["list", "--json", "--details"], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stderr,
    /^cao: moved your CAO 1\.4\.2 data to this version's format: registry\.json \(3 accounts, default "work"\); account_status\.json \(3 accounts/m,
  );
  assert.match(list.stderr, /gateway\.json \(bind 127\.0\.0\.1, port \d+; not carried: cooldownSeconds=600/);
  assert.equal(list.stderr.trim().split("\n").length, 1, list.stderr);
  const doc = JSON.parse(list.stdout);
  assert.equal(doc.defaultAccount, "work");
  assert.deepEqual(
    doc.accounts.map((a: { name: string; loginState: string }) => [a.name, a.loginState]),
    [["work", "logged-in"], ["personal", "not-logged-in"], ["side", "logged-in"]],
  );
  const work = doc.accounts[0].status;
  assert.equal(work.lastError, "usage_limit_reached");
  assert.equal(work.consecutiveFailures, 1);
  assert.ok(Date.parse(work.cooldownUntil) > Date.now(), work.cooldownUntil);
  assert.ok(work.lastQuotaHitAt);

  for (const file of FILES) {
    assert.equal(await Deno.readTextFile(`${seedHome}/${file}.cao-1.4.2.bak`), before[file], file);
    assert.match(await Deno.readTextFile(`${seedHome}/${file}`), /"schemaVersion": 1/, file);
  }
  const gateway = JSON.parse(await Deno.readTextFile(`${seedHome}/gateway.json`));
  assert.equal(gateway.port, port);
  assert.equal(gateway.bind, "127.0.0.1");
  assert.equal(gateway.upstream, "https://chatgpt.com/backend-api/codex");
  for (const path of [seedHome, `${seedHome}/work`, `${seedHome}/work/auth.json`]) {
    assert.equal((await Deno.stat(path)).mode! & 0o077, 0, path);
  }

  const again = await runCaoProcess(home, ["use", "personal"], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /moved your CAO 1\.4\.2/);
  const current = await runCaoProcess(home, ["current", "--json"], { env });
  assert.equal(JSON.parse(current.stdout).account.name, "personal");
});

Deno.test("a crash at any step of the migration leaves a home the next command migrates", async () => {
  await using home = await makeTempHome();
  const { seedHome } = await makeSeedHome(home);
  const pristine = await snapshot(seedHome);
  const steps = FILES.flatMap((f) => [`migrate:${f}:backed-up`, `migrate:${f}:rewritten`]);
  for (const step of steps) {
    // Back to the seed's files, no backups.
    for (const file of FILES) {
      await Deno.writeTextFile(`${seedHome}/${file}`, pristine[file]);
      await Deno.remove(`${seedHome}/${file}.cao-1.4.2.bak`).catch(() => {});
    }
    const crashed = await runCaoProcess(home, ["list"], {
      env: { CAO_HOME: seedHome, CAO_TEST_CRASH_AT: step },
    });
    assert.equal(crashed.code, 137, `${step}: ${crashed.stderr}`);
    const next = await runCaoProcess(home, ["list", "--json"], { env: { CAO_HOME: seedHome } });
    assert.equal(next.code, 0, `${step}: ${next.stderr}`);
    const doc = JSON.parse(next.stdout);
    assert.deepEqual(doc.accounts.map((a: { name: string }) => a.name), ["work", "personal", "side"], step);
    assert.equal(doc.defaultAccount, "work", step);
    for (const file of FILES) {
      assert.equal(
        await Deno.readTextFile(`${seedHome}/${file}.cao-1.4.2.bak`),
        pristine[file],
        `${step} ${file}`,
      );
      assert.match(await Deno.readTextFile(`${seedHome}/${file}`), /"schemaVersion": 1/, `${step} ${file}`);
    }
    const status = JSON.parse(await Deno.readTextFile(`${seedHome}/account_status.json`));
    assert.equal(status.accounts.work.lastError, "usage_limit_reached", step);
  }
});
