/**
 * @module
 * `cao gateway start|status|stop|enable|disable`: the local gateway that keeps one Codex session going
 * across accounts. Each subcommand lives in its own file; this one only registers them.
 */

import { type Command, Option } from "../deps/commander.ts";
import type { Runner } from "./context.ts";
import { gatewayStatus, gatewayStop } from "./gateway_control.ts";
import { gatewayDisable, gatewayEnable } from "./gateway_enable.ts";
import { DEFAULT_COOLDOWN_MEANING, gatewayStart } from "./gateway_start.ts";

/** Registers `cao gateway …`. */
export function registerGateway(program: Command, run: Runner): void {
  const gateway = program.command("gateway")
    .description("the local gateway: Codex keeps one session while cao swaps accounts per request");
  gateway.command("start")
    .description("run the gateway (foreground; --detach for background); flags > gateway.json > defaults")
    .option("--port <n>", "port to listen on (default 4319)")
    .option("--bind <address>", "address to listen on (default 127.0.0.1)")
    .option("--upstream <url>", "where requests go (default https://chatgpt.com/backend-api/codex)")
    .option("--switch-at <percent>", "new conversations avoid accounts at or above this usage (or off)")
    .option("--idle-timeout <seconds>", "give up on an upstream silent this long (default 300)")
    .option("--retries <n>", "retries on the same account after a 5xx or network error (default 2)")
    .option("--default-cooldown <minutes>", `${DEFAULT_COOLDOWN_MEANING} (default 60; 0: none)`)
    .option("--allow-remote", "allow a non-loopback --bind (requests still need the gateway key)")
    .option("--detach", "run in the background, logging to <cao home>/gateway.log")
    .option("--save", "save the given flags to gateway.json")
    .addOption(new Option("--log-file <path>", "log to this file (used by --detach)").hideHelp())
    .action((options) => run((ctx) => gatewayStart(ctx, options)));
  gateway.command("status")
    .description("whether the gateway runs, and its accounts, cooldowns, conversations and switches")
    .option("--json", "print the gateway's /status document", false)
    .action((options) => run((ctx) => gatewayStatus(ctx, options)));
  gateway.command("stop")
    .description("stop the running gateway")
    .action(() => run((ctx) => gatewayStop(ctx)));
  gateway.command("enable")
    .description(
      "route plain codex, the desktop app and the IDE extension through the gateway (~/.codex/config.toml)",
    )
    .action(() => run((ctx) => gatewayEnable(ctx)));
  gateway.command("disable")
    .description("undo enable: take out exactly what it added to ~/.codex/config.toml")
    .action(() => run((ctx) => gatewayDisable(ctx)));
}
