/**
 * The gateway's two keys, on the real gateway process: the proxy key (the one that goes into URLs, and the one
 * a gateway.json written before the split holds — as the benchmark harness writes it) can only proxy; the
 * control key works only in the `x-cao-gateway-key` header and is never written into a URL.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoProcess } from "../support/run_cao.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";

const LEGACY_KEY = "sk-cao-gw-benchmarkkey0123456789";

Deno.test("a legacy gateway.json key becomes the proxy key: it proxies, it cannot control, the control key stays out of URLs", async () => {
  await using home = await makeTempHome();
  await using mock = await startMockUpstream();
  assert.equal((await runCaoProcess(home, ["add", "a", "--no-login"])).code, 0);
  await Deno.writeTextFile(
    `${home.caoHome}/a/auth.json`,
    JSON.stringify(fakeAuthJson({ accountId: "acct_a" })),
    {
      mode: 0o600,
    },
  );
  await Deno.writeTextFile(
    `${home.caoHome}/gateway.json`,
    JSON.stringify({ schemaVersion: 1, key: LEGACY_KEY }) + "\n",
    { mode: 0o600 },
  );
  const start = await runCaoProcess(home, [
    "gateway",
    "start",
    "--port",
    "0",
    "--upstream",
    mock.url,
    "--detach",
  ]);
  assert.equal(start.code, 0, start.stderr);
  const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(start.stdout)?.[1];
  assert.ok(url, start.stdout);
  try {
    const file = JSON.parse(await Deno.readTextFile(`${home.caoHome}/gateway.json`));
    assert.equal(file.proxyKey, LEGACY_KEY);
    assert.equal(file.key, undefined);
    assert.match(file.controlKey, /^sk-cao-ctl-[A-Za-z0-9_-]{20,}$/);
    const control: string = file.controlKey;

    const proxied = await fetch(`${url}/k/${LEGACY_KEY}/models`);
    assert.equal(proxied.status, 200, "the proxy key proxies");
    await proxied.body?.cancel();
    for (const [method, path] of [["GET", "status"], ["POST", "shutdown"], ["POST", "run-key"]]) {
      const refused: Response = await fetch(`${url}/k/${LEGACY_KEY}/${path}`, { method });
      assert.equal(refused.status, 403, `the proxy key may not ${path}`);
      await refused.body?.cancel();
      const inHeader: Response = await fetch(`${url}/${path}`, {
        method,
        headers: { "x-cao-gateway-key": LEGACY_KEY },
      });
      assert.equal(inHeader.status, 403, `nor in the header: ${path}`);
      await inHeader.body?.cancel();
    }
    const controlInUrl = await fetch(`${url}/k/${control}/models`);
    assert.equal(controlInUrl.status, 400, "the control key is refused in a URL");
    await controlInUrl.body?.cancel();
    const controlInUrlStatus = await fetch(`${url}/k/${control}/status`);
    assert.equal(controlInUrlStatus.status, 403);
    await controlInUrlStatus.body?.cancel();

    const status = await runCaoProcess(home, ["gateway", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).running, true);

    const enable = await runCaoProcess(home, ["gateway", "enable"]);
    assert.equal(enable.code, 0, enable.stderr);
    const config = await Deno.readTextFile(`${home.userHome}/.codex/config.toml`);
    assert.match(config, new RegExp(`/k/${LEGACY_KEY}"`));
    assert.equal(config.includes(control), false, "the control key is not in config.toml");
    const recorded = JSON.parse(await Deno.readTextFile(`${home.caoHome}/gateway.json`));
    assert.equal(JSON.stringify(recorded.enabled).includes(control), false);
    assert.equal(recorded.controlKey, control, "the control key is kept");
  } finally {
    const stop = await runCaoProcess(home, ["gateway", "stop"]);
    assert.equal(stop.code, 0, stop.stderr);
  }
  const log = await Deno.readTextFile(`${home.caoHome}/gateway.log`);
  assert.equal(log.includes(LEGACY_KEY), false, "no key in the log");
});
