/**
 * @module
 * The start-up fast path for the most frequent look: `cao status` with only a view flag. Loading the full
 * argument parser costs about as much as the whole status command, so these invocations are recognised here
 * and run directly, with the same options the parser would hand over; anything else returns null and goes
 * through the full parser (`commands.ts`).
 */

import type { GlobalOptions } from "./context.ts";
import { createContext } from "./context.ts";
import { runCommandBody } from "./command_body.ts";
import type { CliDeps } from "./deps.ts";
import { reportFailure } from "./report_error.ts";
import type { StatusOptions } from "./status.ts";

/** What the fast path runs, or null when the invocation needs the full parser. */
export interface FastStatus {
  globals: GlobalOptions;
  options: StatusOptions;
}

const VIEW_FLAGS: Record<string, keyof StatusOptions> = {
  "--pretty": "pretty",
  "--compact": "compact",
  "--full": "full",
  "--json": "json",
};

/** Recognises `cao [--data-dir <p>] [--no-color] status [--pretty|--compact|--full|--json] …`. Pure. */
export function parseFastStatus(argv: string[]): FastStatus | null {
  const globals: GlobalOptions = {};
  const options: StatusOptions = {};
  let sawStatus = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "status" && !sawStatus) sawStatus = true;
    else if (arg === "--no-color") globals.color = false;
    else if (arg === "--data-dir" && i + 1 < argv.length && !argv[i + 1].startsWith("-")) {
      globals.dataDir = argv[++i];
    } else if (arg.startsWith("--data-dir=") && arg.length > "--data-dir=".length) {
      globals.dataDir = arg.slice(11);
    } else if (sawStatus && arg in VIEW_FLAGS) (options as Record<string, boolean>)[VIEW_FLAGS[arg]] = true;
    else return null;
  }
  return sawStatus ? { globals, options } : null;
}

/** Runs a recognised invocation and returns its exit code, or null for the full parser. */
export async function runFastPath(argv: string[], deps: CliDeps): Promise<number | null> {
  const fast = parseFastStatus(argv);
  if (fast === null) return null;
  try {
    const { showStatus } = await import("./status.ts");
    return await runCommandBody(createContext(deps, fast.globals), (ctx) => showStatus(ctx, fast.options));
  } catch (error) {
    return reportFailure(error, deps.stderr);
  }
}
