/**
 * @module
 * cao (codex-account-orchestrator): run the OpenAI Codex CLI across several ChatGPT accounts. This is the
 * thin entry point: it runs the CLI with the real deps and is the only place that exits the process.
 *
 * @example
 * ```sh
 * deno run -A jsr:@cao/cli list
 * ```
 */

import { realDeps } from "./src/cli/deps.ts";
import { runCli } from "./src/cli/run_cli.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, realDeps());
  Deno.exit(code);
}
