/**
 * A first start saves its new keys while the gateway readies itself (the save's fsync no longer holds up
 * the start). The keys it serves with are the ones the file ends up holding: when another start saved its
 * own in between, those win; when the save fails, the gateway does not start.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_GATEWAY_SETTINGS,
  type GatewayKeys,
  loadGatewayFile,
  pendingGatewayKeys,
  settleGatewayKeys,
  updateGatewayFile,
} from "../../src/gateway/settings.ts";
import { startGateway } from "../../src/gateway/start_gateway.ts";
import { tempCaoHome, type TestCaoHome } from "../support/temp_cao_home.ts";

Deno.test("pendingGatewayKeys(): nothing to save once the file has keys; a rival's saved keys win over new ones", async () => {
  await using home = await tempCaoHome();
  const stale = await loadGatewayFile(home);
  const rival = await updateGatewayFile(home, (file) => settleGatewayKeys(file));
  const pending = pendingGatewayKeys(home, stale);
  assert.notEqual(pending.keys.control, rival.control, "keys made from the stale read");
  const saved = await pending.saving;
  assert.deepEqual(saved, { control: rival.control, proxy: rival.proxy });
  const file = await loadGatewayFile(home);
  assert.deepEqual([file.controlKey, file.proxyKey], [rival.control, rival.proxy]);
  const again = pendingGatewayKeys(home, file);
  assert.equal(again.saving, null);
  assert.deepEqual(again.keys, saved);
});

function startWith(home: TestCaoHome, keysSaving: Promise<GatewayKeys>) {
  return startGateway({
    home,
    settings: { ...DEFAULT_GATEWAY_SETTINGS, port: 0, upstream: "http://127.0.0.1:9" },
    keys: PROVISIONAL,
    keysSaving,
    fetch: globalThis.fetch,
    tokenUrl: "http://127.0.0.1:9/oauth/token",
    version: "test",
    log: () => {},
    reloadIntervalMs: 0,
    record: false,
  });
}

const PROVISIONAL = {
  control: "sk-cao-ctl-provisional-0123456789",
  proxy: "sk-cao-gw-provisional-0123456789",
};

Deno.test("startGateway() listens once the keys are saved, and serves with the keys the save settled", async () => {
  await using home = await tempCaoHome();
  const settled = { control: "sk-cao-ctl-settled-0123456789", proxy: "sk-cao-gw-settled-0123456789" };
  let save!: () => void;
  let started = false;
  const starting = startWith(home, new Promise((resolve) => save = () => resolve(settled)))
    .then((gateway) => (started = true, gateway));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(started, false, "not listening before its keys are saved");
  save();
  const gateway = await starting;
  try {
    const status = (key: string) =>
      fetch(`${gateway.url}/status`, { headers: { "x-cao-gateway-key": key } }).then(async (r) => {
        await r.body?.cancel();
        return r.status;
      });
    assert.equal(await status(settled.control), 200);
    assert.equal(await status(PROVISIONAL.control), 403);
    const proxied = (key: string) => fetch(`${gateway.url}/k/${key}/models`).then((r) => r.text());
    assert.match(await proxied(PROVISIONAL.proxy), /lacks a valid gateway key/);
    assert.doesNotMatch(await proxied(settled.proxy), /lacks a valid gateway key/, "the settled proxy key");
  } finally {
    await gateway.close();
  }
});

Deno.test("startGateway() does not start when its keys cannot be saved, and says why", async () => {
  await using home = await tempCaoHome();
  const failure = new Deno.errors.PermissionDenied("gateway.json: permission denied");
  await assert.rejects(startWith(home, Promise.reject(failure)), (error) => error === failure);
});
