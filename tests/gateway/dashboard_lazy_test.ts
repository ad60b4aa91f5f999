/**
 * A gateway nobody looks at never loads the dashboard: `cao gateway start` and the gateway reach its
 * modules only through the dynamic import made on the first `/d/` request (`dashboard_hook.ts` holds it) (checked on the module graph
 * `deno info` reports, following only the static imports that load code).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

interface InfoDependency {
  specifier: string;
  isDynamic?: boolean;
  code?: { specifier: string };
}

interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

/** The modules `root` loads before anything is asked of it (static imports of code only). */
async function staticallyLoaded(root: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", fileURLToPath(new URL(root, import.meta.url))],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { roots: string[]; modules: InfoModule[] };
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code) queue.push(dep.code.specifier);
    }
  }
  return [...seen].filter((s) => s.startsWith("file:") && s.includes("/src/")).map((s) =>
    s.slice(s.lastIndexOf("/src/") + 1)
  );
}

Deno.test("the gateway's start path loads no dashboard module until a dashboard request arrives", async () => {
  for (const root of ["../../src/gateway/start_gateway.ts", "../../src/cli/gateway_start.ts"]) {
    const loaded = await staticallyLoaded(root);
    assert.ok(loaded.includes("src/gateway/handler.ts"), `${root}: the graph was read`);
    const eager = loaded.filter((m) =>
      /dashboard|html_escape/.test(m) && m !== "src/gateway/dashboard_hook.ts"
    );
    assert.deepEqual(eager, [], `${root} loads them lazily (only the small hook that will load them)`);
  }
});
