import assert from "node:assert/strict";
import {
  addAccountEntry,
  emptyRegistry,
  loadRegistry,
  parseRegistry,
  removeAccountEntry,
  renameAccountEntry,
  repairRegistry,
  updateRegistry,
  withRegistryReadLock,
} from "../../src/accounts/registry.ts";
import { DataFileError } from "../../src/shared/errors.ts";
import { tempCaoHome } from "../support/temp_cao_home.ts";
import { sleep } from "../../src/shared/wait.ts";

const NOW = new Date("2026-11-21T12:00:00Z");

Deno.test("addAccountEntry() makes the first account the default and refuses duplicates", () => {
  const registry = emptyRegistry();
  assert.equal(addAccountEntry(registry, "a", NOW), true);
  assert.equal(addAccountEntry(registry, "b", NOW), true);
  assert.equal(addAccountEntry(registry, "a", NOW), false);
  assert.equal(registry.defaultAccount, "a");
  assert.deepEqual(registry.accounts.map((a) => a.name), ["a", "b"]);
});

Deno.test("removeAccountEntry() moves the default to the next account, else the previous", () => {
  const registry = emptyRegistry();
  for (const name of ["a", "b", "c"]) addAccountEntry(registry, name, NOW);
  registry.defaultAccount = "b";
  removeAccountEntry(registry, "b");
  assert.equal(registry.defaultAccount, "c");
  removeAccountEntry(registry, "c");
  assert.equal(registry.defaultAccount, "a");
  removeAccountEntry(registry, "a");
  assert.equal(registry.defaultAccount, null);
  assert.equal(removeAccountEntry(registry, "zzz"), false);
});

Deno.test("renameAccountEntry() keeps position and default mark", () => {
  const registry = emptyRegistry();
  for (const name of ["a", "b"]) addAccountEntry(registry, name, NOW);
  assert.equal(renameAccountEntry(registry, "a", "z"), true);
  assert.deepEqual(registry.accounts.map((a) => a.name), ["z", "b"]);
  assert.equal(registry.defaultAccount, "z");
  assert.equal(renameAccountEntry(registry, "z", "b"), false);
});

Deno.test("parseRegistry() rejects bad names and duplicates, keeps unknown fields, repairs a stale default", () => {
  assert.equal(parseRegistry([]).kind, "invalid");
  assert.equal(parseRegistry({ schemaVersion: 1, accounts: [{ name: "../x" }] }).kind, "invalid");
  assert.equal(parseRegistry({ schemaVersion: 1, accounts: [{ name: "a" }, { name: "a" }] }).kind, "invalid");
  const parsed = parseRegistry({
    schemaVersion: 1,
    defaultAccount: "gone",
    accounts: [{ name: "a", addedAt: "x", future: { keep: true } }],
  });
  assert.equal(parsed.kind, "ok");
  if (parsed.kind === "ok") {
    assert.equal(parsed.registry.defaultAccount, "a");
    assert.deepEqual(parsed.registry.accounts[0].future, { keep: true });
  }
});

Deno.test("updateRegistry() writes atomically with mode 0600 and loadRegistry() reads it back", async () => {
  await using home = await tempCaoHome();
  await updateRegistry(home, (r) => addAccountEntry(r, "work", home.now()));
  const loaded = await loadRegistry(home);
  assert.equal(loaded.defaultAccount, "work");
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(home.paths.registry)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(home.paths.root)).mode! & 0o777, 0o700);
  }
  const names = [];
  for await (const entry of Deno.readDir(home.paths.root)) names.push(entry.name);
  assert.ok(!names.some((n) => n.includes(".tmp-")), `no temp files left: ${names}`);
});

Deno.test("a corrupt registry.json is moved aside and rebuilt from the account directories", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true, mode: 0o700 });
  await Deno.mkdir(`${home.paths.root}/beta`, { recursive: true });
  await Deno.writeTextFile(`${home.paths.root}/beta/config.toml`, "");
  await Deno.mkdir(`${home.paths.root}/alpha`, { recursive: true });
  await Deno.writeTextFile(`${home.paths.root}/alpha/auth.json`, "{}");
  await Deno.mkdir(`${home.paths.root}/not-an-account`, { recursive: true });
  await Deno.writeTextFile(home.paths.registry, '{"schemaVersion": 1, "accounts": [');
  const registry = await updateRegistry(home, (r) => structuredClone(r));
  assert.deepEqual(registry.accounts.map((a) => a.name), ["alpha", "beta"]);
  assert.equal(home.warnings.length, 1);
  assert.match(
    home.warnings[0],
    /registry\.json could not be parsed .* moved to ".*registry\.json\.corrupt-20261121T120000Z"/,
  );
  assert.equal(
    await Deno.readTextFile(`${home.paths.registry}.corrupt-20261121T120000Z`),
    '{"schemaVersion": 1, "accounts": [',
    "the corrupt content is kept byte for byte",
  );
  assert.equal((await loadRegistry(home)).accounts.length, 2, "the rebuilt registry was written");
});

Deno.test("a registry with a newer schema version is refused, not rewritten", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true });
  const text = JSON.stringify({ schemaVersion: 99, accounts: [] });
  await Deno.writeTextFile(home.paths.registry, text);
  await assert.rejects(() => updateRegistry(home, () => {}), DataFileError);
  assert.equal(await Deno.readTextFile(home.paths.registry), text);
});

Deno.test({
  name: "withRegistryReadLock() keeps the lock until the last of a process's concurrent readers is done",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempCaoHome();
    await updateRegistry(home, (r) => addAccountEntry(r, "work", home.now()));
    const order: string[] = [];
    let endFirst!: () => void;
    let endSecond!: () => void;
    let firstStarted!: () => void;
    const firstIn = new Promise<void>((done) => firstStarted = done);
    const first = withRegistryReadLock(home, () => {
      firstStarted();
      return new Promise<void>((done) => endFirst = done);
    });
    await firstIn; // the second reader comes while the first one holds the lock
    let secondStarted!: () => void;
    const started = new Promise<void>((done) => secondStarted = done);
    const second = withRegistryReadLock(home, () => {
      secondStarted();
      return new Promise<void>((done) => endSecond = done);
    });
    await started;
    endFirst();
    await first;
    // A writer (another open file description, as another process has) asks for the exclusive lock now.
    const writer = await Deno.open(`${home.paths.registry}.lock`, { read: true, write: true });
    const locked = writer.lock(true).then(() => order.push("writer"));
    await sleep(300); // room for the writer to get in, were the lock already let go
    order.push("second reader done");
    endSecond();
    await second;
    await locked;
    await writer.unlock();
    writer.close();
    assert.deepEqual(order, ["second reader done", "writer"]);
  },
});

Deno.test({
  name: "a registry change holds off the readers of the process's other flows, not its own",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await tempCaoHome();
    await updateRegistry(home, (r) => addAccountEntry(r, "work", home.now()));
    const order: string[] = [];
    const names = async () => (await loadRegistry(home)).accounts.map((a) => a.name).join(",");
    let entered!: () => void;
    const inside = new Promise<void>((done) => entered = done);
    let release!: () => void;
    const gate = new Promise<void>((done) => release = done);
    const change = updateRegistry(home, async (registry) => {
      entered();
      order.push(`own read: ${await withRegistryReadLock(home, names)}`); // would wait for itself if it locked
      await gate;
      addAccountEntry(registry, "home", home.now());
      order.push("change done");
    });
    await inside; // another flow of this process (a gateway request, a Promise.all) reads while the change runs
    const other = withRegistryReadLock(home, async () => void order.push(`other read: ${await names()}`));
    const otherWriter = updateRegistry(home, (registry) => {
      order.push(`other change sees: ${registry.accounts.map((a) => a.name).join(",")}`);
    });
    await sleep(300); // room for the other flows to get in, were they let through
    release();
    await Promise.all([change, other, otherWriter]);
    assert.deepEqual(order.slice(0, 2), ["own read: work", "change done"]);
    assert.deepEqual(order.slice(2).sort(), ["other change sees: work,home", "other read: work,home"]);
  },
});

Deno.test("loadRegistry() reads around a damaged registry.json and leaves it; repairRegistry() moves it aside", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(`${home.paths.root}/beta`, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${home.paths.root}/beta/config.toml`, "");
  const unparsable = '{"schemaVersion": 1, "accounts": [';
  await Deno.writeTextFile(home.paths.registry, unparsable);
  assert.deepEqual((await loadRegistry(home)).accounts.map((a) => a.name), ["beta"]);
  assert.deepEqual((await loadRegistry(home)).accounts.map((a) => a.name), ["beta"]);
  assert.equal(home.warnings.length, 1, "said once per process");
  assert.match(home.warnings[0], /left as it is \("cao doctor" moves it aside\)$/);
  assert.equal(await Deno.readTextFile(home.paths.registry), unparsable);

  const invalid = JSON.stringify({ schemaVersion: 1, accounts: "beta" });
  await Deno.writeTextFile(home.paths.registry, invalid);
  const refused = await loadRegistry(home).then(() => null, (error) => error);
  assert.ok(refused instanceof DataFileError);
  assert.match(refused.hint ?? "", /run "cao doctor" to move it aside and rebuild it/);
  const done = await repairRegistry(home);
  assert.match(
    done ?? "",
    /registry\.json is unusable \(accounts is not a list\); it was moved to ".*corrupt-.*" and rebuilt/,
  );
  assert.equal(await Deno.readTextFile(`${home.paths.registry}.corrupt-20261121T120000Z`), invalid);
  assert.deepEqual((await loadRegistry(home)).accounts.map((a) => a.name), ["beta"]);
  assert.equal(await repairRegistry(home), null, "nothing more to repair");
});
