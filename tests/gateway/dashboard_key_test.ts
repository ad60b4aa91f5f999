import assert from "node:assert/strict";
import { ensureDashboardKey, readDashboardKey } from "../../src/gateway/dashboard_key.ts";
import { tempCaoHome } from "../support/temp_cao_home.ts";

Deno.test("ensureDashboardKey() makes the key once; later calls rewrite nothing and only tighten a loose mode", async () => {
  await using home = await tempCaoHome();
  const path = home.paths.dashboardKey;
  const key = await ensureDashboardKey(home);
  assert.match(key, /^sk-cao-read-/);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { schemaVersion: 1, readKey: key });
  const before = await Deno.stat(path);
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o644);
  assert.equal(await ensureDashboardKey(home), key);
  const after = await Deno.stat(path);
  assert.equal(after.ino, before.ino, "not rewritten");
  if (Deno.build.os !== "windows") {
    assert.equal(after.mode! & 0o777, 0o600);
    assert.equal(home.warnings.length, 1, home.warnings.join("\n"));
  }
});

Deno.test("ensureDashboardKey() replaces a file without a usable key, and moves a damaged one aside", async () => {
  await using home = await tempCaoHome();
  const path = home.paths.dashboardKey;
  await Deno.mkdir(home.paths.root, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify({ schemaVersion: 1, readKey: "short" }));
  const key = await ensureDashboardKey(home);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { schemaVersion: 1, readKey: key });
  await Deno.writeTextFile(path, "{ not json");
  const fresh = await ensureDashboardKey(home);
  assert.notEqual(fresh, key);
  const movedTo = /moved to "([^"]+)"/.exec(home.warnings.join("\n"))?.[1];
  assert.ok(movedTo, home.warnings.join("\n"));
  assert.equal(await Deno.readTextFile(movedTo), "{ not json");
  assert.equal(await readDashboardKey(home), fresh);
});
