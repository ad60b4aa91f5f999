/**
 * The modules a root loads before anything is asked of it: the static imports that load code, as `deno info`
 * reports them (dynamic imports are not followed). For tests that keep heavy modules off a start path.
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

/** Every specifier `root` (a URL) loads statically: `src/…` for the project's files, as is for others. */
export async function staticallyLoaded(root: URL): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", fileURLToPath(root)],
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
  return [...seen].map((s) =>
    s.startsWith("file:") && s.includes("/src/") ? s.slice(s.lastIndexOf("/src/") + 1) : s
  );
}
