/**
 * The `deno run` arguments of a gateway process (`gatewayRunArgs`, what `--detach`, `cao run --gateway` and
 * `deno task bench` spawn): the gateway's flags and permissions, and a project config only for a checkout
 * whose deno.json sits beside its main module.
 */

import assert from "node:assert/strict";
import { GATEWAY_V8_FLAGS, gatewayRunArgs, LAZY_IMPORTS_FLAG } from "../../src/gateway/detached.ts";

Deno.test("a checkout's gateway runs with its flags, its permissions and the checkout's deno.json", () => {
  const main = new URL("../../main.ts", import.meta.url);
  const args = gatewayRunArgs(main.href, "--allow-net=127.0.0.1", ["notify-send"]);
  assert.equal(args[0], "run");
  for (
    const flag of [LAZY_IMPORTS_FLAG, GATEWAY_V8_FLAGS, "--allow-net=127.0.0.1", "--allow-run=notify-send"]
  ) {
    assert.ok(args.includes(flag), flag);
  }
  assert.ok(!args.some((a) => a === "--allow-all" || a === "-A" || a === "--allow-run"), args.join(" "));
  const config = args.indexOf("--config");
  assert.equal(args[config + 1], new URL("../../deno.json", import.meta.url).pathname);
  assert.equal(args.at(-1), main.href, "the main module comes last, after every flag");
});

Deno.test("a remote or config-less main module gets no --config; --allow-run only if asked", async () => {
  const remote = gatewayRunArgs("https://jsr.io/@cao/cli/0.1.0/main.ts", "--allow-net");
  assert.ok(!remote.includes("--config"));
  assert.ok(!remote.some((a) => a.startsWith("--allow-run")));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, "");
    const bare = gatewayRunArgs(new URL(`file://${dir}/main.ts`).href, "--allow-net");
    assert.ok(!bare.includes("--config"), "no deno.json beside it");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
