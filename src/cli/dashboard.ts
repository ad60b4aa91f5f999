/**
 * @module
 * `cao dashboard [--port <n>] [--no-open] [--json]`: a local page of every account, live. A running gateway
 * of this home serves it (`/d/` beside its proxy); otherwise, or with `--port`, cao serves it itself on
 * 127.0.0.1 and stays in the foreground until Ctrl-C (a `cao dashboard` already serving there is reused). It
 * prints a one-time link (a ticket derived from the read key in dashboard.json, never the key) and opens it
 * in the browser (`xdg-open`, `open`, `start`) when stdout is a terminal, unless `--no-open`. A server is
 * recognised as this home's only when it proves it holds the read key, so nothing is sent to a stranger's
 * port.
 */

import { mintTicket, probeProof, TICKET_SECONDS, toHex } from "../gateway/dashboard_auth.ts";
import { ensureDashboardKey } from "../gateway/dashboard_key.ts";
import { localGatewayUrl } from "../gateway/client.ts";
import { serveHandler, type ServerHandle, waitForStop } from "../gateway/server.ts";
import type { Command } from "../deps/commander.ts";
import { CaoError, ExitCode } from "../shared/errors.ts";
import { collectDashboard, dashboardRoutes } from "../status/dashboard_app.ts";
import { dashboardJson, dashboardView, type ServedBy } from "../status/dashboard_view.ts";
import type { CommandContext, Runner } from "./context.ts";
import { parseNumberFlag } from "./flags.ts";

/** The port `cao dashboard` serves on when no gateway does and `--port` is not given (busy: any free port). */
export const DEFAULT_DASHBOARD_PORT = 4320;

/** The schema version of `cao dashboard --json`. */
export const DASHBOARD_CLI_JSON_SCHEMA_VERSION = 1;

/** Options as commander hands them over. */
export interface DashboardOptions {
  port?: string;
  /** False with `--no-open`. */
  open?: boolean;
  json?: boolean;
}

/** The command that opens `url` in the user's browser on `os`. Pure. */
export function browserCommand(os: string, url: string): { command: string; args: string[] } {
  if (os === "darwin") return { command: "open", args: [url] };
  if (os === "windows") return { command: "cmd", args: ["/c", "start", "", url] };
  return { command: "xdg-open", args: [url] };
}

/** Whether a server at `origin` serves this home's dashboard: it signs a fresh nonce with the read key. */
export async function servesDashboard(fetchFn: typeof fetch, origin: string, key: string): Promise<boolean> {
  const nonce = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1500);
  try {
    const response = await fetchFn(`${origin}/d/probe?n=${nonce}`, { signal: controller.signal });
    if (!response.ok) {
      await response.body?.cancel();
      return false;
    }
    const body = await response.json() as Record<string, unknown>;
    return body?.service === "cao-dashboard" && body.proof === await probeProof(key, nonce);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function openBrowser(ctx: CommandContext, url: string): Promise<void> {
  const { command, args } = browserCommand(Deno.build.os, url);
  try {
    const child = ctx.deps.spawn(command, { args, stdin: "null", stdout: "null", stderr: "null" });
    const ended = await Promise.race([child.status, ctx.deps.sleep(3000).then(() => null)]);
    if (ended !== null && ended.code !== 0) {
      ctx.out.warn(`${command} could not open the browser (exit ${ended.code}); open the link yourself`);
    }
  } catch {
    ctx.out.warn(`cannot open a browser (${command} not found); open the link yourself`);
  }
}

async function announce(
  ctx: CommandContext,
  options: DashboardOptions,
  served: { origin: string; servedBy: ServedBy; key: string },
): Promise<void> {
  const now = ctx.deps.now();
  const { ticket, expiresAt } = await mintTicket(served.key, Math.floor(now.getTime() / 1000));
  const url = `${served.origin}/d/?t=${ticket}`;
  if (options.json) {
    const facts = await collectDashboard(ctx.home, {
      userCodexHome: ctx.userCodexHome,
      servedBy: served.servedBy,
    });
    ctx.out.json({
      schemaVersion: DASHBOARD_CLI_JSON_SCHEMA_VERSION,
      url,
      servedBy: served.servedBy,
      origin: served.origin,
      linkExpiresAt: new Date(expiresAt * 1000).toISOString(),
      state: dashboardJson(dashboardView(facts, "day")),
    });
  } else {
    const by = served.servedBy === "gateway" ? "the gateway" : "this cao dashboard";
    ctx.out.line(`Dashboard served by ${by} at ${served.origin}/d/`);
    ctx.out.line(`Open ${url}`);
    ctx.out.line(
      `(the link works once, within ${TICKET_SECONDS / 60} minutes; run "cao dashboard" again for another)`,
    );
  }
  if (options.open !== false && ctx.deps.isTerminal().stdout) await openBrowser(ctx, url);
}

function serveOwn(ctx: CommandContext, port: number | undefined) {
  const routes = dashboardRoutes(ctx.home, {
    userCodexHome: ctx.userCodexHome,
    servedBy: "cao dashboard",
    onError: (message) => ctx.out.warn(message),
  });
  const handler = (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === "/d" || path.startsWith("/d/")) return routes.handle(request);
    const status = path === "/" ? 303 : 404;
    return Promise.resolve(
      new Response(null, { status, headers: status === 303 ? { location: "/d/" } : {} }),
    );
  };
  let server: ServerHandle;
  try {
    server = serveHandler(handler, { hostname: "127.0.0.1", port: port ?? DEFAULT_DASHBOARD_PORT });
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    if (port !== undefined) {
      throw new CaoError(`Cannot serve the dashboard on 127.0.0.1:${port}: the port is in use`, {
        hint: "pick another with --port, or --port 0 for any free port",
      });
    }
    server = serveHandler(handler, { hostname: "127.0.0.1", port: 0 });
  }
  return { routes, server };
}

/** `cao dashboard`. */
export async function dashboard(ctx: CommandContext, options: DashboardOptions): Promise<number> {
  const port = options.port === undefined
    ? undefined
    : parseNumberFlag("--port", options.port, { integer: true, min: 0, max: 65535 });
  const key = await ensureDashboardKey(ctx.home);
  const candidates: { origin: string; servedBy: ServedBy }[] = [];
  if (port === undefined) candidates.push({ origin: await localGatewayUrl(ctx.home), servedBy: "gateway" });
  const ownPort = port ?? DEFAULT_DASHBOARD_PORT;
  if (ownPort !== 0) candidates.push({ origin: `http://127.0.0.1:${ownPort}`, servedBy: "cao dashboard" });
  for (const candidate of candidates) {
    if (await servesDashboard(ctx.deps.fetch, candidate.origin, key)) {
      await announce(ctx, options, { ...candidate, key });
      return ExitCode.ok;
    }
  }
  const { routes, server } = serveOwn(ctx, port);
  try {
    await announce(ctx, options, { origin: server.url, servedBy: "cao dashboard", key });
    if (!options.json) ctx.out.line("Serving until Ctrl-C.");
    return await waitForStop(new Promise<void>(() => {}), false, ctx.deps.onSignal);
  } finally {
    routes.close();
    await server.shutdown();
  }
}

/** Registers `cao dashboard`. */
export function registerDashboard(program: Command, run: Runner): void {
  program.command("dashboard")
    .description("open a live page of every account in the browser")
    .option(
      "--port <n>",
      `serve it on 127.0.0.1:<n> itself (default: the gateway's, else ${DEFAULT_DASHBOARD_PORT})`,
    )
    .option("--no-open", "print the link, do not open a browser")
    .option("--json", "print the link and the state as JSON (schemaVersion, url, servedBy, state)")
    .action((options) => run((ctx) => dashboard(ctx, options)));
}
