import assert from "node:assert/strict";
import { loadGatewayFile, updateGatewayFile } from "../../src/gateway/settings.ts";
import { tempCaoHome } from "../support/temp_cao_home.ts";

Deno.test("updateGatewayFile() writes only what changed: an empty edit creates no file, an equal one keeps the inode", async () => {
  await using home = await tempCaoHome();
  const path = home.paths.gatewaySettings;
  assert.equal(await updateGatewayFile(home, (file) => file.port), undefined);
  assert.equal(await Deno.stat(path).catch(() => null), null, "no file for an edit that changed nothing");
  await updateGatewayFile(home, (file) => void (file.port = 4400));
  assert.equal(await Deno.readTextFile(path), '{\n  "schemaVersion": 1,\n  "port": 4400\n}\n');
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  const before = await Deno.stat(path);
  await updateGatewayFile(home, (file) => void (file.port = 4400));
  const after = await Deno.stat(path);
  assert.equal(after.ino, before.ino, "not rewritten");
  assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
});

Deno.test("gateway.json damaged: loadGatewayFile() leaves it, updateGatewayFile() moves it aside and says where", async () => {
  await using home = await tempCaoHome();
  const path = home.paths.gatewaySettings;
  await Deno.mkdir(home.paths.root, { recursive: true });
  await Deno.writeTextFile(path, "{ not json");
  assert.deepEqual(await loadGatewayFile(home), { schemaVersion: 1 });
  assert.equal(await Deno.readTextFile(path), "{ not json", "a reader leaves it");
  await updateGatewayFile(home, (file) => void (file.port = 4401));
  const warning = home.warnings.at(-1) ?? "";
  const movedTo = /moved to "([^"]+)"/.exec(warning)?.[1];
  assert.ok(movedTo, warning);
  assert.equal(await Deno.readTextFile(movedTo), "{ not json", "kept as it was");
  assert.equal((await loadGatewayFile(home)).port, 4401);
});
