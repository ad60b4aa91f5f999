/**
 * @module
 * The start-up fast paths: `cao status` with only a view flag (the most frequent look), and
 * `cao gateway start` (what `--detach` and `cao run --gateway` spawn, so a gateway is ready sooner and
 * holds no parser, completions or TOML libraries). Loading the full argument parser costs about as much as
 * the whole status command, so these invocations are recognised here and run directly, with the same
 * options the parser would hand over; anything else returns null and goes through the full parser
 * (`commands.ts`).
 */

import type { GlobalOptions } from "./context.ts";
import type { GatewayStartOptions } from "./gateway_start.ts";
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

/** A `cao gateway start` the fast path runs. */
export interface FastGatewayStart {
  globals: GlobalOptions;
  options: GatewayStartOptions;
}

const GATEWAY_VALUES: Record<string, keyof GatewayStartOptions> = {
  "--port": "port",
  "--bind": "bind",
  "--upstream": "upstream",
  "--switch-at": "switchAt",
  "--idle-timeout": "idleTimeout",
  "--retries": "retries",
  "--default-cooldown": "defaultCooldown",
  "--log-file": "logFile",
};
const GATEWAY_SWITCHES: Record<string, keyof GatewayStartOptions> = {
  "--allow-remote": "allowRemote",
  "--detach": "detach",
  "--save": "save",
};
const GLOBAL_VALUES: Record<string, "dataDir" | "codex"> = { "--data-dir": "dataDir", "--codex": "codex" };

/**
 * Recognises `cao [globals] gateway start [its flags]` (`--flag value` or `--flag=value`, the last repeat
 * winning, as the parser does); null for anything else, e.g. `--help` or a value that starts with `-`. Pure.
 */
export function parseFastGatewayStart(argv: string[]): FastGatewayStart | null {
  const globals: GlobalOptions = {};
  const options: Record<string, string | boolean> = {};
  let words = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-")) {
      if (words === 0 && arg === "gateway") words = 1;
      else if (words === 1 && arg === "start") words = 2;
      else return null;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const global = GLOBAL_VALUES[flag];
    const local = words === 2 ? GATEWAY_VALUES[flag] : undefined;
    if (global !== undefined || local !== undefined) {
      let value: string;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) value = argv[++i];
      else return null;
      if (value === "") return null;
      if (global !== undefined) globals[global] = value;
      else options[local!] = value;
    } else if (arg === "--no-color" && eq < 0) globals.color = false;
    else if (words === 2 && eq < 0 && GATEWAY_SWITCHES[arg] !== undefined) {
      options[GATEWAY_SWITCHES[arg]] = true;
    } else return null;
  }
  return words === 2 ? { globals, options: options as GatewayStartOptions } : null;
}

/** Runs a recognised invocation and returns its exit code, or null for the full parser. */
export async function runFastPath(argv: string[], deps: CliDeps): Promise<number | null> {
  const status = parseFastStatus(argv);
  const gateway = status === null ? parseFastGatewayStart(argv) : null;
  if (status === null && gateway === null) return null;
  try {
    if (status !== null) {
      const { showStatus } = await import("./status.ts");
      return await runCommandBody(
        createContext(deps, status.globals),
        (ctx) => showStatus(ctx, status.options),
      );
    }
    const { gatewayStart } = await import("./gateway_start.ts");
    return await runCommandBody(
      createContext(deps, gateway!.globals),
      (ctx) => gatewayStart(ctx, gateway!.options),
    );
  } catch (error) {
    return reportFailure(error, deps.stderr);
  }
}
