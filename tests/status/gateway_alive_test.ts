/**
 * After a gateway is killed (SIGKILL: it clears nothing), `cao status` stops showing its accounts as in use:
 * a running gateway holds `gateway.alive.lock` for its life, and the kernel drops the lock with the process.
 */

import assert from "node:assert/strict";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { caoChild, makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

async function inUse(home: Awaited<ReturnType<typeof makeTempHome>>): Promise<boolean> {
  const r = await runCaoInProcess(home, ["status", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).accounts[0].inUseByGateway;
}

async function markInUse(caoHome: string): Promise<void> {
  const file = JSON.parse(await Deno.readTextFile(`${caoHome}/gateway.json`));
  file.accountsInUse = ["a"];
  await Deno.writeTextFile(`${caoHome}/gateway.json`, JSON.stringify(file));
}

Deno.test("a killed gateway's accounts are no longer shown in use", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoInProcess(home, ["add", "a", "--no-login"])).code, 0);
  await Deno.writeTextFile(
    `${home.caoHome}/a/auth.json`,
    JSON.stringify(fakeAuthJson({ accountId: "acct_a" })),
  );
  const gateway = caoChild(home, ["gateway", "start", "--port", "0"], { env: {} });
  const reader = gateway.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/listening on/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  assert.match(seen, /listening on/);
  gateway.kill("SIGKILL");
  await gateway.status;
  await reader.cancel().catch(() => {});
  await gateway.stdout.cancel().catch(() => {});
  const record = JSON.parse(await Deno.readTextFile(`${home.caoHome}/gateway.json`));
  assert.ok(record.running, "a killed gateway leaves its running record");
  await markInUse(home.caoHome);
  assert.equal(await inUse(home), false);

  // While a gateway holds the lock, its accounts are shown in use.
  const lock = await Deno.open(`${home.caoHome}/gateway.alive.lock`, { read: true, write: true });
  await lock.lock(true);
  try {
    assert.equal(await inUse(home), true);
  } finally {
    lock.close();
  }
});
