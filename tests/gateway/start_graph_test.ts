/**
 * The gateway's start path imports no Node built-in (`node:*`): the gateway loads only its own modules, and
 * Node built-ins load on demand (`node:zlib` for a zstd body to rewrite, the registry's `AsyncLocalStorage`
 * for a change, which a gateway never makes). Checked on the module graph `deno info` reports.
 */

import assert from "node:assert/strict";
import { staticallyLoaded } from "../support/module_graph.ts";

Deno.test("the gateway's start path loads no Node built-in module", async () => {
  for (
    const root of ["../../src/gateway/start_gateway.ts", "../../src/cli/gateway_start.ts", "../../main.ts"]
  ) {
    const loaded = await staticallyLoaded(new URL(root, import.meta.url));
    assert.ok(loaded.length > 5, `${root}: the graph was read`);
    assert.deepEqual(loaded.filter((m) => m.startsWith("node:")), [], root);
  }
});
