/**
 * A checkout's detached gateway reads the checkout's deno.json as its import map only (`--no-config
 * --no-lock --import-map=…`, CHECKOUT_CONFIG_FLAGS), and still loads the npm packages it names: its
 * dashboard parses the user's config.toml with the TOML library (`status/gateway_facts.ts`), which a
 * failed import would turn into "not configured" without a word. It runs with Deno's own update check off
 * (GATEWAY_ENV): no request to dl.deno.land from a process allowed only its own hosts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openCaoHome } from "../../src/accounts/cao_home.ts";
import { mintTicket } from "../../src/gateway/dashboard_auth.ts";
import { ensureDashboardKey } from "../../src/gateway/dashboard_key.ts";
import { CHECKOUT_CONFIG_FLAGS, GATEWAY_ENV } from "../../src/gateway/detached.ts";
import { writeAccount } from "../gateway/gateway_harness.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { startDetachedGateway } from "../support/detached_gateway.ts";
import { makeTempHome, runCaoProcess } from "../support/run_cao.ts";

const DENO_JSON = fileURLToPath(new URL("../../deno.json", import.meta.url));

Deno.test("a checkout's detached gateway takes deno.json as its import map only, checks for no Deno update, and its dashboard still parses config.toml", async () => {
  await using home = await makeTempHome();
  await using mock = await startMockUpstream({ responses: { acct_a: "ok" } });
  const cao = openCaoHome(home.caoHome, () => new Date(), () => {});
  for (const name of ["a", "b"]) await writeAccount(cao, { name });
  // In the user's own project directory, with a deno.json that would break any config it were read as.
  const project = `${home.dir}/project`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(`${project}/deno.json`, "{ not json");
  await Deno.writeTextFile(
    `${home.userHome}/.codex/config.toml`,
    'model = "m"\nopenai_base_url = "http://127.0.0.1:4319/k/sk-cao-gw-not-a-real-key"\n',
  );
  const gateway = await startDetachedGateway(home, mock.url, { cwd: project });
  try {
    if (gateway.args) {
      for (const flag of [...CHECKOUT_CONFIG_FLAGS, `--import-map=${DENO_JSON}`]) {
        assert.ok(gateway.args.includes(flag), `${flag} in ${gateway.args.join(" ")}`);
      }
      assert.ok(!gateway.args.includes("--config"), gateway.args.join(" "));
    }
    if (gateway.environ) {
      for (const [name, value] of Object.entries(GATEWAY_ENV)) {
        assert.equal(gateway.environ[name], value, name);
      }
      assert.equal(gateway.environ.DENO_NO_UPDATE_CHECK, "1", "Deno's own update check is off");
    }
    const url = gateway.url;
    const answer = await fetch(`${url}/k/${gateway.proxyKey}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ model: "m", input: [] }),
    });
    assert.match(await answer.text(), /response\.completed/, "the gateway proxies");

    const key = await ensureDashboardKey(cao);
    const { ticket } = await mintTicket(key, Math.floor(Date.now() / 1000));
    const login = await fetch(`${url}/d/?t=${ticket}`, { redirect: "manual" });
    assert.equal(login.status, 303, await login.text());
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
    const state = await fetch(`${url}/d/state.json`, { headers: { cookie } });
    assert.equal(state.status, 200);
    const view = await state.json();
    assert.equal(view.gateway.configured, true, "config.toml was parsed by the TOML library");
    assert.deepEqual(view.accounts.map((a: { name: string }) => a.name), ["a", "b"]);
  } finally {
    const stopped = await runCaoProcess(home, ["gateway", "stop"]);
    assert.equal(stopped.code, 0, stopped.stderr);
  }
});
