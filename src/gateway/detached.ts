/**
 * @module
 * A gateway started in the background (`cao gateway start --detach`, and `cao run --gateway` when none
 * answers): the same cao again as a separate process (the compiled binary itself, or `deno run` of the same
 * main module with the project config), with only the permissions the gateway needs — network limited to
 * loopback, the upstream host, the token host and the outbound proxy — logging to `<cao home>/gateway.log`;
 * then the wait until it answers with the key, quoting the last line of its log when it exits first. Never
 * prints.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaoHome } from "../accounts/cao_home.ts";
import type { SpawnFn } from "../codex/spawn.ts";
import { refreshTokenUrl } from "../codex/token_refresh.ts";
import { CaoError } from "../shared/errors.ts";
import { pollUntil } from "../shared/wait.ts";
import { isLoopbackHost } from "./address.ts";
import { probeGateway } from "./client.ts";
import { gatewayLogPath, lastLineSince, logSize } from "./log_file.ts";
import {
  ensureGatewayKeys,
  type GatewaySettings,
  loadGatewayFile,
  resolveSettings,
  savedSettings,
} from "./settings.ts";
import { proxyFor, proxySettingsFromEnv } from "./upstream_proxy.ts";

/** The command, leading arguments and environment that run this cao again. */
export interface SelfCommand {
  command: string;
  args: string[];
  /** Variables to set on top of the caller's ({@link GATEWAY_ENV}). */
  env: Record<string, string>;
}

/**
 * The environment a gateway process gets on top of its starter's: Deno's own check for a newer Deno off. A
 * `deno` process looks for a new release (dl.deno.land) once a day, and on every start where that host
 * cannot be reached: a request outside the hosts the gateway is allowed (`--allow-net` does not cover it), a
 * notice in its log, and about 1.9 MiB of RSS for the TLS roots and DNS it loads to ask (46.9 instead of
 * 48.8 MiB, 1.5 s after start, median of 7 interleaved starts). A compiled cao never checks; the variable
 * is harmless there.
 */
export const GATEWAY_ENV: Readonly<Record<string, string>> = { DENO_NO_UPDATE_CHECK: "1" };

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** The hosts a gateway talks to (`proxies`: `host:port` of the outbound proxies it uses). Pure. */
export function gatewayNetHosts(
  bind: string,
  upstream: string,
  tokenUrl: string,
  proxies: string[] = [],
): string[] {
  const hosts = new Set(["127.0.0.1", "localhost", bind.replace(/^\[|\]$/g, ""), ...proxies]);
  for (const url of [upstream, tokenUrl]) {
    const host = hostOf(url);
    if (host) hosts.add(host);
  }
  return [...hosts].filter((h) => h !== "0.0.0.0" && h !== "::");
}

/**
 * V8 flags of a gateway process: a young generation capped at 4 MiB per semi-space. Request-lived objects
 * then die young instead of being promoted, which keeps the peak RSS under load near 130 MiB instead of
 * about 200 for a few percent of CPU. And the heap grows by half after each full collection
 * (`--heap-growing-percent=50`), not by V8's own factor of up to 4: after a burst of requests the gateway
 * keeps about 20 MiB less (200 streams open after bulk load: 88–90 MiB instead of 107–116; peak 91–94
 * instead of 113–122), for no measurable CPU per paced event and 0–15 % more per bulk request. The old
 * space is left uncapped: reaching a cap is a fatal out-of-memory, and moving a long conversation parses
 * its whole request body. Baked into the compiled binary too (`scripts/compile.ts`).
 */
export const GATEWAY_V8_FLAGS = "--v8-flags=--max-semi-space-size=4,--heap-growing-percent=50";

/**
 * Deno reads every module a dynamic `import()` names, and every npm package they use, before the main
 * module runs; with this flag it reads them when the import runs. A gateway then loads only its own
 * modules, not the CLI's parser, completions, prompts and TOML libraries: it answers 7–8 ms sooner and
 * holds about 2 MiB less. Given as a flag, not in deno.json: `deno compile` must still embed every module.
 */
export const LAZY_IMPORTS_FLAG = "--unstable-lazy-dynamic-imports";

/**
 * How a checkout's gateway reads its deno.json: as the import map (`--import-map=<deno.json>` takes its
 * `imports`), not as the project config, and without the lockfile. The lockfile is what costs: Deno sets up
 * the npm resolution of every package it lists before the main module runs, about 1 MiB of RSS at start
 * (47.9 instead of 48.8 MiB, median of 9 interleaved starts), for packages a gateway loads only when its
 * dashboard reads a config.toml, and then from the cache the lock-checked `cao` filled. The gateway needs
 * nothing else of the config (its unstable flag is on the command line), and a deno.json in the user's
 * working directory is never read either.
 */
export const CHECKOUT_CONFIG_FLAGS: readonly string[] = ["--no-config", "--no-lock"];

/**
 * `cao` again, able to run a gateway reaching `netHosts` (with {@link GATEWAY_V8_FLAGS}) and running
 * `runCommands` (desktop notifiers), in the {@link GATEWAY_ENV} environment.
 */
export function selfCommand(netHosts: string[], openBind: boolean, runCommands: string[] = []): SelfCommand {
  const exec = Deno.execPath();
  const env = { ...GATEWAY_ENV };
  if ((Deno.build as { standalone?: boolean }).standalone === true) return { command: exec, args: [], env };
  const net = openBind ? "--allow-net" : `--allow-net=${netHosts.join(",")}`;
  return { command: exec, args: gatewayRunArgs(Deno.mainModule, net, runCommands), env };
}

/**
 * The `deno` arguments that run `main` (cao's main module) as a gateway process: the flags above, the
 * permissions a gateway needs (network as `net` says), and for a checkout (a file main module with its
 * deno.json beside it) that deno.json as the import map only ({@link CHECKOUT_CONFIG_FLAGS}).
 */
export function gatewayRunArgs(main: string, net: string, runCommands: string[] = []): string[] {
  const args = [
    "run",
    "--quiet",
    "--unstable-no-legacy-abort",
    LAZY_IMPORTS_FLAG,
    GATEWAY_V8_FLAGS,
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-sys",
    net,
    ...(runCommands.length > 0 ? [`--allow-run=${runCommands.join(",")}`] : []),
  ];
  if (main.startsWith("file:")) {
    const config = join(dirname(fileURLToPath(main)), "deno.json");
    try {
      Deno.statSync(config);
      args.push(...CHECKOUT_CONFIG_FLAGS, `--import-map=${config}`);
    } catch { /* run without a project config */ }
  }
  args.push(main);
  return args;
}

/** The outbound proxy the streaming client would use for `upstream`, as `host:port` (none: []). */
function proxyHosts(upstream: string, env: (name: string) => string | undefined): string[] {
  try {
    const route = proxyFor(new URL(upstream), proxySettingsFromEnv(env));
    return route ? [route.host] : [];
  } catch {
    return [];
  }
}

/** What starting a detached gateway needs from the caller. */
export interface DetachIo {
  home: CaoHome;
  deps: {
    env(name: string): string | undefined;
    spawn: SpawnFn;
    fetch: typeof fetch;
  };
}

/** What else a detached gateway may reach: the usage endpoint, a webhook, a desktop notifier. */
export interface DetachExtras {
  /** More hosts for `--allow-net`. */
  netHosts?: string[];
  /** Commands for `--allow-run`. */
  runCommands?: string[];
}

/** A gateway started in the background. */
export interface DetachedGateway {
  url: string;
  pid: number;
  logFile: string;
}

/**
 * Starts `cao gateway start` as a background process with the given settings flags (`flags`, passed on to it
 * as `forwardedArgs`; the saved settings for the rest) and waits until it answers with the key.
 */
export async function startDetachedGateway(
  io: DetachIo,
  flags: Partial<GatewaySettings>,
  forwardedArgs: string[],
  extra: DetachExtras = {},
): Promise<DetachedGateway> {
  const settings = resolveSettings(flags, savedSettings(await loadGatewayFile(io.home)));
  const key = (await ensureGatewayKeys(io.home)).control;
  const logFile = gatewayLogPath(io.home);
  const tokenUrl = refreshTokenUrl(io.deps.env);
  const self = selfCommand(
    [
      ...new Set([
        ...gatewayNetHosts(
          settings.bind,
          settings.upstream,
          tokenUrl,
          proxyHosts(settings.upstream, io.deps.env),
        ),
        ...(extra.netHosts ?? []),
      ]),
    ],
    !isLoopbackHost(settings.bind),
    extra.runCommands,
  );
  const logOffset = await logSize(logFile);
  const child = io.deps.spawn(self.command, {
    args: [
      ...self.args,
      "--data-dir",
      io.home.paths.root,
      "gateway",
      "start",
      ...forwardedArgs,
      "--log-file",
      logFile,
    ],
    env: self.env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  let exited = false;
  child.status.then(() => exited = true);
  const started = await pollUntil(async () => {
    const file = await loadGatewayFile(io.home);
    if (
      file.running?.pid === child.pid &&
      (await probeGateway(io.deps.fetch, file.running.url, key)).kind === "up"
    ) {
      return { url: file.running.url, pid: child.pid, logFile };
    }
    return exited ? null : undefined;
  }, { timeoutMs: 15_000 });
  if (started) return started;
  const said = exited ? await lastLineSince(logFile, logOffset) : null;
  throw new CaoError(
    `Cannot start the gateway in the background${exited ? ": it exited" : ""}${
      said ? `, saying "${said}"` : ""
    }`,
    { hint: `see ${logFile}, or run "cao gateway start" in the foreground` },
  );
}
