/**
 * The `deno run` arguments of a gateway process (`gatewayRunArgs`, what `--detach`, `cao run --gateway` and
 * `deno task bench` spawn): the gateway's flags and permissions, and for a checkout whose deno.json sits
 * beside its main module, that deno.json as the import map only.
 */

import assert from "node:assert/strict";
import {
  CHECKOUT_CONFIG_FLAGS,
  GATEWAY_V8_FLAGS,
  gatewayRunArgs,
  LAZY_IMPORTS_FLAG,
} from "../../src/gateway/detached.ts";

Deno.test("a checkout's gateway runs with its flags, its permissions and the checkout's deno.json as import map", () => {
  const main = new URL("../../main.ts", import.meta.url);
  const args = gatewayRunArgs(main.href, "--allow-net=127.0.0.1", ["notify-send"]);
  assert.equal(args[0], "run");
  for (
    const flag of [LAZY_IMPORTS_FLAG, GATEWAY_V8_FLAGS, "--allow-net=127.0.0.1", "--allow-run=notify-send"]
  ) {
    assert.ok(args.includes(flag), flag);
  }
  assert.ok(!args.some((a) => a === "--allow-all" || a === "-A" || a === "--allow-run"), args.join(" "));
  const importMap = `--import-map=${new URL("../../deno.json", import.meta.url).pathname}`;
  for (const flag of [...CHECKOUT_CONFIG_FLAGS, importMap]) assert.ok(args.includes(flag), flag);
  assert.ok(!args.includes("--config"), "deno.json is read as the import map only, not as the config");
  assert.equal(args.at(-1), main.href, "the main module comes last, after every flag");
});

Deno.test("a remote or config-less main module gets no import map; --allow-run only if asked", async () => {
  const remote = gatewayRunArgs("https://jsr.io/@cao/cli/0.1.0/main.ts", "--allow-net");
  assert.ok(!remote.some((a) => a.startsWith("--import-map") || a === "--config"), remote.join(" "));
  assert.ok(!remote.some((a) => a.startsWith("--allow-run")));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, "");
    const bare = gatewayRunArgs(new URL(`file://${dir}/main.ts`).href, "--allow-net");
    assert.ok(!bare.some((a) => a.startsWith("--import-map")), "no deno.json beside it");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
