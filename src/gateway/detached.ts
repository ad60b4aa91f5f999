/**
 * @module
 * How `cao gateway start --detach` starts the gateway as a separate process: the same cao (the compiled
 * binary itself, or `deno run` of the same main module with the project config), with only the permissions
 * the gateway needs — network limited to loopback, the upstream host and the token host.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The command and leading arguments that run this cao again. */
export interface SelfCommand {
  command: string;
  args: string[];
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** The hosts a gateway talks to. Pure. */
export function gatewayNetHosts(bind: string, upstream: string, tokenUrl: string): string[] {
  const hosts = new Set(["127.0.0.1", "localhost", bind.replace(/^\[|\]$/g, "")]);
  for (const url of [upstream, tokenUrl]) {
    const host = hostOf(url);
    if (host) hosts.add(host);
  }
  return [...hosts].filter((h) => h !== "0.0.0.0" && h !== "::");
}

/** `cao` again, able to run a gateway reaching `netHosts`. */
export function selfCommand(netHosts: string[], openBind: boolean): SelfCommand {
  const exec = Deno.execPath();
  if ((Deno.build as { standalone?: boolean }).standalone === true) return { command: exec, args: [] };
  const main = Deno.mainModule;
  const args = [
    "run",
    "--quiet",
    "--unstable-no-legacy-abort",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-sys",
    openBind ? "--allow-net" : `--allow-net=${netHosts.join(",")}`,
  ];
  if (main.startsWith("file:")) {
    const config = join(dirname(fileURLToPath(main)), "deno.json");
    try {
      Deno.statSync(config);
      args.push("--config", config);
    } catch { /* run without a project config */ }
  }
  args.push(main);
  return { command: exec, args };
}
