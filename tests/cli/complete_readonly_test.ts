/**
 * A Tab only reads: `cao complete` (what the completion scripts call, with their stderr hidden) never runs the
 * home preflight, so a CAO 1.4.2 home is migrated by the first real command, whose one line saying what moved
 * the user sees, and not silently by a Tab.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

const SEED_REGISTRY = '{"default_account":"work","accounts":["work","personal"]}\n';

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("cao complete leaves a CAO 1.4.2 home as it is; the next command migrates it and says so", async () => {
  await using home = await makeTempHome();
  for (const name of ["work", "personal"]) await Deno.mkdir(`${home.caoHome}/${name}`, { recursive: true });
  await Deno.writeTextFile(`${home.caoHome}/registry.json`, SEED_REGISTRY);
  const before = await names(home.caoHome);

  const tab = await runCaoInProcess(home, ["complete", "--", "use", ""]);
  assert.equal(tab.code, 0, tab.stderr);
  assert.equal(await Deno.readTextFile(`${home.caoHome}/registry.json`), SEED_REGISTRY);
  assert.deepEqual(await names(home.caoHome), before, "no backup, no journal, no new file");

  const list = await runCaoInProcess(home, ["list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stderr, /1\.4\.2/, "the migration says what moved");
  assert.notEqual(await Deno.readTextFile(`${home.caoHome}/registry.json`), SEED_REGISTRY);
});
