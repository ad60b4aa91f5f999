/**
 * @module
 * cao (codex-account-orchestrator): run the OpenAI Codex CLI across several ChatGPT accounts. This is the
 * thin entry point: it runs the CLI with the real deps and is the only place that exits the process. A plain
 * `cao status` takes a fast path that skips loading the full argument parser.
 *
 * @example
 * ```sh
 * deno run -A --unstable-no-legacy-abort --unstable-lazy-dynamic-imports jsr:@cao/cli list
 * ```
 */

import { realDeps } from "./src/cli/deps.ts";
import { runFastPath } from "./src/cli/fast_path.ts";

if (import.meta.main) {
  const deps = realDeps();
  const fast = await runFastPath(Deno.args, deps);
  const code = fast ?? await (await import("./src/cli/commands.ts")).runCli(Deno.args, deps);
  Deno.exit(code);
}
