import assert from "node:assert/strict";
import { openCaoHome } from "../../src/accounts/cao_home.ts";
import { migrateSeedHome } from "../../src/cli/seed_migration.ts";

Deno.test("migrateSeedHome() rewrites a seed file once, under its lock, and leaves the home's modes to its own count", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cao-seed-" });
  try {
    const steps: string[] = [];
    const warnings: string[] = [];
    const home = openCaoHome(
      `${dir}/cao`,
      () => new Date("2026-11-21T12:00:00Z"),
      (m) => warnings.push(m),
      (s) => steps.push(s),
    );
    await Deno.mkdir(home.paths.accountDir("work"), { recursive: true });
    const seed = '{\n  "default_account": "work",\n  "accounts": ["work"]\n}\n';
    await Deno.writeTextFile(home.paths.registry, seed, { mode: 0o644 });
    if (Deno.build.os !== "windows") {
      await Deno.chmod(home.paths.root, 0o755);
      await Deno.chmod(home.paths.accountDir("work"), 0o755);
      await Deno.chmod(home.paths.registry, 0o644);
    }

    const line = await migrateSeedHome(home);
    assert.match(line ?? "", /registry\.json \(1 account, default "work"\)/);
    if (Deno.build.os !== "windows") {
      assert.match(line ?? "", /; 2 loose file modes tightened;/, "the root and work/, counted here");
      assert.equal((await Deno.stat(home.paths.registry)).mode! & 0o777, 0o600);
    }
    assert.deepEqual(warnings, [], "no mode warning of its own from the update");
    assert.deepEqual(steps, ["migrate:registry.json:backed-up", "migrate:registry.json:rewritten"]);
    assert.equal(await Deno.readTextFile(`${home.paths.registry}.cao-1.4.2.bak`), seed);
    const doc = JSON.parse(await Deno.readTextFile(home.paths.registry));
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.defaultAccount, "work");

    const before = await Deno.stat(home.paths.registry);
    assert.equal(await migrateSeedHome(home), null);
    assert.equal((await Deno.stat(home.paths.registry)).ino, before.ino, "a migrated file is not rewritten");
    assert.equal(steps.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
