/**
 * A gateway nobody looks at never loads the dashboard: `cao gateway start` and the gateway reach its
 * modules only through the dynamic import made on the first `/d/` request (`dashboard_hook.ts` holds it) (checked on the module graph
 * `deno info` reports, following only the static imports that load code).
 */

import assert from "node:assert/strict";
import { staticallyLoaded } from "../support/module_graph.ts";

Deno.test("the gateway's start path loads no dashboard module until a dashboard request arrives", async () => {
  for (const root of ["../../src/gateway/start_gateway.ts", "../../src/cli/gateway_start.ts"]) {
    const loaded = await staticallyLoaded(new URL(root, import.meta.url));
    assert.ok(loaded.includes("src/gateway/handler.ts"), `${root}: the graph was read`);
    const eager = loaded.filter((m) =>
      /dashboard|html_escape/.test(m) && m !== "src/gateway/dashboard_hook.ts"
    );
    assert.deepEqual(eager, [], `${root} loads them lazily (only the small hook that will load them)`);
  }
});
