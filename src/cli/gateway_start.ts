/**
 * @module
 * `cao gateway start`: run the gateway in the foreground until Ctrl-C / SIGTERM / `cao gateway stop`, or
 * detached (`--detach`, logging to `<cao home>/gateway.log`). Settings: flags > gateway.json > defaults;
 * `--save` writes the given flags to gateway.json. A detached gateway has no terminal, so when it cannot
 * start it writes why into its log, and the parent quotes that line.
 */

import { join } from "node:path";
import { refreshTokenUrl } from "../codex/token_refresh.ts";
import { localGatewayUrl, probeGateway } from "../gateway/client.ts";
import { waitForStop } from "../gateway/server.ts";
import {
  ensureGatewayKey,
  type GatewaySettings,
  isLoopbackBind,
  loadGatewayFile,
  resolveSettings,
  savedSettings,
  updateGatewayFile,
} from "../gateway/settings.ts";
import { startGateway, startProblem } from "../gateway/start_gateway.ts";
import { CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import { redactSecrets } from "../shared/redact.ts";
import type { CommandContext } from "./context.ts";
import { gatewayNetHosts, selfCommand } from "../gateway/detached.ts";
import denoJson from "../../deno.json" with { type: "json" };

const VERSION: string = denoJson.version;

/** Options of `cao gateway start` as commander hands them over (unset flags are undefined). */
export interface GatewayStartOptions {
  port?: string;
  bind?: string;
  upstream?: string;
  switchAt?: string;
  idleTimeout?: string;
  retries?: string;
  allowRemote?: boolean;
  detach?: boolean;
  save?: boolean;
  logFile?: string;
}

function numberFlag(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`Cannot use ${name} "${raw}": expected ${integer ? "a whole number" : "a number"}`);
  }
  return value;
}

/** The settings the flags name (only those given). */
export function settingsFromFlags(options: GatewayStartOptions): Partial<GatewaySettings> {
  return {
    port: numberFlag("--port", options.port, true),
    bind: options.bind,
    upstream: options.upstream,
    switchAt: options.switchAt === "off" ? null : numberFlag("--switch-at", options.switchAt, false),
    idleTimeoutSeconds: numberFlag("--idle-timeout", options.idleTimeout, false),
    retries: numberFlag("--retries", options.retries, true),
    allowRemote: options.allowRemote,
  };
}

/** Where a detached gateway logs. */
export function gatewayLogPath(ctx: CommandContext): string {
  return join(ctx.home.paths.root, "gateway.log");
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
  ];
  for (const [flag, value] of pairs) if (value !== undefined) args.push(flag, value);
  if (options.allowRemote) args.push("--allow-remote");
  return args;
}

function openLog(path: string | undefined): { write(line: string): void; close(): void } | null {
  if (!path) return null;
  try {
    if (Deno.statSync(path).size > 5 * 1024 * 1024) Deno.renameSync(path, `${path}.1`);
  } catch { /* no log yet */ }
  const file = Deno.openSync(path, { append: true, create: true, mode: 0o600 });
  const encoder = new TextEncoder();
  return { write: (line) => void file.writeSync(encoder.encode(line + "\n")), close: () => file.close() };
}

/** The log line telling why a gateway could not start (redacted; message and hint on one line). Pure. */
export function startFailureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof CaoError && error.hint ? ` (hint: ${error.hint})` : "";
  return redactSecrets(`error: ${message}${hint}`.replace(/\s*\n\s*/g, " "));
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/** The last non-empty line written to `path` after byte `offset` (from the start when it was rotated). */
async function lastLineSince(path: string, offset: number): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    return null;
  }
  const since = bytes.length >= offset ? bytes.subarray(offset) : bytes;
  const lines = new TextDecoder().decode(since).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.at(-1) ?? null;
}

/** A gateway started in the background. */
export interface DetachedGateway {
  url: string;
  pid: number;
  logFile: string;
}

/**
 * Starts `cao gateway start` as a background process with the given flags (and the saved settings for the
 * rest) and waits until it answers with the key.
 */
export async function startDetachedGateway(
  ctx: CommandContext,
  options: GatewayStartOptions,
): Promise<DetachedGateway> {
  const settings = resolveSettings(
    settingsFromFlags(options),
    savedSettings(await loadGatewayFile(ctx.home)),
  );
  const key = await ensureGatewayKey(ctx.home);
  const logFile = gatewayLogPath(ctx);
  const tokenUrl = refreshTokenUrl(ctx.deps.env);
  const self = selfCommand(
    gatewayNetHosts(settings.bind, settings.upstream, tokenUrl),
    !isLoopbackBind(settings.bind),
  );
  const logOffset = await sizeOf(logFile);
  const child = ctx.deps.spawn(self.command, {
    args: [
      ...self.args,
      "--data-dir",
      ctx.home.paths.root,
      "gateway",
      "start",
      ...forwardedFlags(options),
      "--log-file",
      logFile,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  let exited = false;
  child.status.then(() => exited = true);
  for (let waited = 0; waited < 15_000; waited += 100) {
    const file = await loadGatewayFile(ctx.home);
    if (
      file.running?.pid === child.pid &&
      (await probeGateway(ctx.deps.fetch, file.running.url, key)).kind === "up"
    ) {
      return { url: file.running.url, pid: child.pid, logFile };
    }
    if (exited) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const said = exited ? await lastLineSince(logFile, logOffset) : null;
  throw new CaoError(
    `Cannot start the gateway in the background${exited ? ": it exited" : ""}${
      said ? `, saying "${said}"` : ""
    }`,
    { hint: `see ${logFile}, or run "cao gateway start" in the foreground` },
  );
}

/** `cao gateway start`. With `--log-file` (a detached gateway), a failure to start is also logged there. */
export async function gatewayStart(ctx: CommandContext, options: GatewayStartOptions): Promise<number> {
  try {
    return await startOrServe(ctx, options);
  } catch (error) {
    if (options.logFile !== undefined && !options.detach) {
      try {
        const log = openLog(options.logFile);
        log?.write(startFailureLine(error));
        log?.close();
      } catch { /* the error still reaches stderr */ }
    }
    throw error;
  }
}

async function startOrServe(ctx: CommandContext, options: GatewayStartOptions): Promise<number> {
  const flags = settingsFromFlags(options);
  const file = await loadGatewayFile(ctx.home);
  const settings = resolveSettings(flags, savedSettings(file));
  const key = await ensureGatewayKey(ctx.home);
  const problem = startProblem(settings, key);
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
    const started = await startDetachedGateway(ctx, options);
    ctx.out.line(`cao gateway running at ${started.url} (pid ${started.pid}); log: ${started.logFile}`);
    ctx.out.line('Stop it with "cao gateway stop".');
    return ExitCode.ok;
  }

  const log = openLog(options.logFile);
  const write = (line: string) => log ? log.write(line) : ctx.deps.stderr(line + "\n");
  let gateway;
  try {
    gateway = await startGateway({
      home: ctx.home,
      settings,
      key,
      fetch: ctx.deps.fetch,
      tokenUrl: refreshTokenUrl(ctx.deps.env),
      version: VERSION,
      log: write,
      userAuthPath: join(ctx.userCodexHome, "auth.json"),
      logFile: options.logFile ?? null,
    });
  } catch (error) {
    log?.close();
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
  const code = await waitForStop(gateway.stopRequested, options.logFile !== undefined);
  await gateway.close();
  write(`cao gateway stopped`);
  log?.close();
  return code;
}
