/**
 * `cao status` starts light: the fast path (`fast_path.ts`) and the status command it runs load no npm
 * package and no argument parser, which cost about as much as the whole command (checked on the module graph
 * `deno info` reports, static imports only; the doctor, report and refresh code are dynamic imports).
 */

import assert from "node:assert/strict";
import { staticallyLoaded } from "../support/module_graph.ts";

Deno.test("cao status's fast path loads no npm package and not the argument parser", async () => {
  for (const root of ["../../src/cli/fast_path.ts", "../../src/cli/status.ts"]) {
    const loaded = await staticallyLoaded(new URL(root, import.meta.url));
    assert.ok(
      loaded.includes("src/status/collect.ts") || root.endsWith("fast_path.ts"),
      `${root}: graph read`,
    );
    const heavy = loaded.filter((m) => m.startsWith("npm:") || m === "src/deps/commander.ts");
    assert.deepEqual(heavy, [], `${root} loads them only through the full parser`);
  }
});
