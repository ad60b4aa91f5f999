/**
 * The gateway's start path imports no Node built-in (`node:*`) and no npm package: the gateway loads only its
 * own modules, and the rest loads on demand (`node:zlib` for a zstd body to rewrite, the registry's
 * `AsyncLocalStorage` for a change, which a gateway never makes, the TOML libraries for the dashboard's
 * first look at Codex's config). Checked on the module graph `deno info` reports; a gateway process runs
 * with LAZY_IMPORTS_FLAG, so Deno reads nothing else before it listens.
 */

import assert from "node:assert/strict";
import { staticallyLoaded } from "../support/module_graph.ts";

Deno.test("the gateway's start path loads no Node built-in module and no npm package", async () => {
  for (
    const root of ["../../src/gateway/start_gateway.ts", "../../src/cli/gateway_start.ts", "../../main.ts"]
  ) {
    const loaded = await staticallyLoaded(new URL(root, import.meta.url));
    assert.ok(loaded.length > 5, `${root}: the graph was read`);
    assert.deepEqual(loaded.filter((m) => m.startsWith("node:") || m.startsWith("npm:")), [], root);
  }
});
