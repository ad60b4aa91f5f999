/**
 * @module
 * `cao gateway start`: run the gateway in the foreground until Ctrl-C / SIGTERM / `cao gateway stop`, or
 * detached (`--detach`, logging to `<cao home>/gateway.log`). Settings: flags > gateway.json > defaults;
 * `--save` writes the given flags to gateway.json. A detached gateway has no terminal, so when it cannot
 * start it writes why into its log, and the parent quotes that line.
 */

import { withProgress } from "./progress.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import { refreshTokenUrl } from "../codex/token_refresh.ts";
import { isLoopbackHost } from "../gateway/address.ts";
import { localGatewayUrl, probeGateway } from "../gateway/client.ts";
import { batchedLines, openLogFile, startFailureLine } from "../gateway/log_file.ts";
import { waitForStop } from "../gateway/server.ts";
import {
  type GatewaySettings,
  loadGatewayFile,
  pendingGatewayKeys,
  resolveSettings,
  savedSettings,
  updateGatewayFile,
} from "../gateway/settings.ts";
import { startGateway, startProblem } from "../gateway/start_gateway.ts";
import { proxySettingsFromEnv } from "../gateway/upstream_proxy.ts";
import { CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import { type NumberRule, parseOptionalNumberFlag } from "./flags.ts";
import type { CommandContext } from "./context.ts";
import { cooldownProbeFrom, historyFlushMsFrom, lazyNotifier } from "./gateway_wiring.ts";
import { VERSION } from "../version.ts";

/** Options of `cao gateway start` as commander hands them over (unset flags are undefined). */
export interface GatewayStartOptions {
  port?: string;
  bind?: string;
  upstream?: string;
  switchAt?: string;
  idleTimeout?: string;
  retries?: string;
  defaultCooldown?: string;
  allowRemote?: boolean;
  detach?: boolean;
  save?: boolean;
  logFile?: string;
}

/** What `--default-cooldown` does, in the words of its help and the README's gateway table. */
export const DEFAULT_COOLDOWN_MEANING =
  "cooldown after a usage limit whose reset time is unknown or already past";

/** What `--default-cooldown` takes (refused as `expected a number of minutes, at least 0`, as `cao run` says). */
export const DEFAULT_COOLDOWN_RULE: NumberRule = { min: 0, unit: "minutes" };

/** The settings the flags name (only those given). */
export function settingsFromFlags(options: GatewayStartOptions): Partial<GatewaySettings> {
  return {
    port: parseOptionalNumberFlag("--port", options.port, { integer: true }),
    bind: options.bind,
    upstream: options.upstream,
    switchAt: options.switchAt === "off" ? null : parseOptionalNumberFlag("--switch-at", options.switchAt),
    idleTimeoutSeconds: parseOptionalNumberFlag("--idle-timeout", options.idleTimeout),
    retries: parseOptionalNumberFlag("--retries", options.retries, { integer: true }),
    defaultCooldownMinutes: parseOptionalNumberFlag(
      "--default-cooldown",
      options.defaultCooldown,
      DEFAULT_COOLDOWN_RULE,
    ),
    allowRemote: options.allowRemote,
  };
}

function forwardedFlags(options: GatewayStartOptions): string[] {
  const args: string[] = [];
  const pairs: [string, string | undefined][] = [
    ["--port", options.port],
    ["--bind", options.bind],
    ["--upstream", options.upstream],
    ["--switch-at", options.switchAt],
    ["--idle-timeout", options.idleTimeout],
    ["--retries", options.retries],
    ["--default-cooldown", options.defaultCooldown],
  ];
  for (const [flag, value] of pairs) if (value !== undefined) args.push(flag, value);
  if (options.allowRemote) args.push("--allow-remote");
  return args;
}

/** The dashboard's routes for this gateway (`/d/`; loopback binds only), loaded on its first request. */
async function loadDashboard(ctx: CommandContext, log: (line: string) => void) {
  const { dashboardRoutes } = await import("../status/dashboard_app.ts");
  return dashboardRoutes(ctx.home, { userCodexHome: ctx.userCodexHome, servedBy: "gateway", onError: log });
}

/** `cao gateway start`. With `--log-file` (a detached gateway), a failure to start is also logged there. */
export async function gatewayStart(ctx: CommandContext, options: GatewayStartOptions): Promise<number> {
  try {
    return await startOrServe(ctx, options);
  } catch (error) {
    if (options.logFile !== undefined && !options.detach) {
      try {
        const log = await openLogFile(options.logFile);
        log.write(startFailureLine(error));
        await log.close();
      } catch { /* the error still reaches stderr */ }
    }
    throw error;
  }
}

async function startOrServe(ctx: CommandContext, options: GatewayStartOptions): Promise<number> {
  const flags = settingsFromFlags(options);
  const file = await loadGatewayFile(ctx.home);
  const settings = resolveSettings(flags, savedSettings(file));
  // A first start saves its new keys while the gateway readies itself; anything else waits for them here.
  const pending = pendingGatewayKeys(ctx.home, file);
  const problem = startProblem(settings, pending.keys.proxy);
  const serving = problem === null && !options.save && !file.running && !options.detach;
  pending.saving?.catch(() => {}); // awaited by startGateway when `serving`
  const keys = serving ? pending.keys : await (pending.saving ?? pending.keys);
  const key = keys.control;
  if (problem) throw new UsageError(`Cannot start the gateway: ${problem}`);
  if (options.save) {
    const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
    await updateGatewayFile(ctx.home, (f) => void Object.assign(f, given));
    ctx.out.line(
      `Saved to ${ctx.home.paths.gatewaySettings}: ${
        Object.keys(given).join(", ") || "nothing (no flags given)"
      }`,
    );
  }
  if (file.running) {
    const probe = await probeGateway(ctx.deps.fetch, await localGatewayUrl(ctx.home), key);
    if (probe.kind === "up") {
      throw new CaoError(
        `Cannot start the gateway: one is already running at ${file.running.url} (pid ${file.running.pid})`,
        {
          hint: 'stop it with "cao gateway stop" first',
        },
      );
    }
  }
  if (options.detach) {
    const { startDetachedGateway } = await import("../gateway/detached.ts");
    const { detachedGatewayExtras } = await import("./notify_wiring.ts");
    const extras = await detachedGatewayExtras(ctx);
    const started = await withProgress(
      ctx.deps,
      "starting the gateway in the background",
      () => startDetachedGateway(ctx, flags, forwardedFlags(options), extras),
    );
    ctx.out.line(`cao gateway running at ${started.url} (pid ${started.pid}); log: ${started.logFile}`);
    ctx.out.line('Stop it with "cao gateway stop".');
    return ExitCode.ok;
  }

  // Signals are heard from here on: one that comes while the gateway starts stops it as soon as it is up
  // (exiting with 143/130 and taking its record out), instead of killing it half-recorded.
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const stopped = waitForStop(released, options.logFile !== undefined, ctx.deps.onSignal);
  const failed = (error: unknown): never => {
    release();
    throw error;
  };
  const log = options.logFile
    ? await openLogFile(options.logFile).catch(failed)
    : batchedLines(ctx.deps.stderr);
  const write = (line: string) => log.write(line);
  let gateway;
  try {
    gateway = await startGateway({
      home: ctx.home,
      settings,
      keys,
      keysSaving: serving ? pending.saving ?? undefined : undefined,
      fetch: ctx.deps.fetch,
      upstreamProxy: proxySettingsFromEnv(ctx.deps.env),
      streamViaFetch: ctx.deps.env("CAO_GATEWAY_STREAM_CLIENT") === "fetch",
      serveViaDeno: ctx.deps.env("CAO_GATEWAY_SERVER") === "deno",
      tokenUrl: refreshTokenUrl(ctx.deps.env),
      version: VERSION,
      log: write,
      userAuthPath: codexHomePaths(ctx.userCodexHome).authFile,
      logFile: options.logFile ?? null,
      notify: lazyNotifier(async () => {
        const { processNotifier } = await import("./notify_wiring.ts");
        return processNotifier(ctx, `gateway (pid ${Deno.pid})`, (message) => write(`error: ${message}`));
      }, (message) => write(`error: ${message}`)),
      cooldownProbe: cooldownProbeFrom(ctx.deps.env),
      historyFlushMs: historyFlushMsFrom(ctx.deps.env),
      dashboard: isLoopbackHost(settings.bind) ? () => loadDashboard(ctx, write) : undefined,
    });
  } catch (error) {
    release();
    await log.close();
    if (error instanceof Deno.errors.AddrInUse) {
      throw new CaoError(`Cannot start the gateway: ${settings.bind}:${settings.port} is in use`, {
        hint: "pick another port with --port, or stop what listens there",
      });
    }
    throw error;
  }
  const accounts = gateway.pool.registry.accounts.map((a) =>
    a.name + (a.name === gateway.pool.registry.defaultAccount ? " (default)" : "")
  );
  write(
    `cao gateway ${VERSION} listening on ${gateway.url} -> ${settings.upstream}; accounts: ${
      accounts.join(", ") || "none"
    }`,
  );
  if (!options.logFile) {
    ctx.out.line(`cao gateway listening on ${gateway.url}; stop it with Ctrl-C or "cao gateway stop"`);
  }
  gateway.stopRequested.then(release);
  const code = await stopped;
  await gateway.close();
  write(`cao gateway stopped`);
  await log.close();
  return code;
}
