/**
 * @module
 * Puts a gateway together and runs it: the pool, the logins, the coalesced status persistence, the handler
 * and the server; records itself in gateway.json (`running`, `accountsInUse`) and takes that out again on
 * close, after aborting what is in flight and writing the queued status changes.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { emptyRegistry } from "../accounts/registry.ts";
import { clearNeedsRelogin } from "../accounts/status_events.ts";
import { AccountPool } from "./account_pool.ts";
import { Credentials } from "./credentials.ts";
import { createGatewayHandler } from "./handler.ts";
import { Http1Client } from "./http1_client.ts";
import { IdleWatch } from "./idle_watch.ts";
import type { GatewayContext } from "./proxy_context.ts";
import { formatLogLine } from "./request_log.ts";
import { RunKeys } from "./run_keys.ts";
import { serveHandler, type ServerHandle } from "./server.ts";
import { serveHttp1 } from "./http1_server.ts";
import { isLoopbackHost } from "./address.ts";
import { type GatewayKeys, type GatewaySettings, settingsProblem, updateGatewayFile } from "./settings.ts";
import { holdAliveLock } from "./alive_lock.ts";
import { gatewayStatusJson } from "./status_view.ts";
import { StatusSync } from "./status_sync.ts";
import type { UpstreamProxySettings } from "./upstream_proxy.ts";
import { CooldownHealer } from "./cooldown_healer.ts";
import type { NotifySink } from "../accounts/notify_sink.ts";
import { UsageHistoryBuffer } from "../accounts/usage_history_buffer.ts";
import type { DashboardRoutes } from "./dashboard_routes.ts";
import { lazyDashboard } from "./dashboard_hook.ts";

/** Inputs of {@link startGateway}. */
export interface StartGatewayOptions {
  home: CaoHome;
  settings: GatewaySettings;
  /** Its control key (header only) and proxy key (may be in URLs). */
  keys: GatewayKeys;
  /** A first start's write of new keys: awaited before listening, its keys replace `keys` (another start's may win). */
  keysSaving?: Promise<GatewayKeys>;
  fetch: typeof fetch;
  /** The outbound proxy environment (`HTTPS_PROXY`, `NO_PROXY`, …) for the streaming client. */
  upstreamProxy?: UpstreamProxySettings | null;
  /** Answers through `fetch` instead of the HTTP/1.1 client (`CAO_GATEWAY_STREAM_CLIENT=fetch`). */
  streamViaFetch?: boolean;
  /** Serve with `Deno.serve` instead of the gateway's own HTTP/1.1 server (`CAO_GATEWAY_SERVER=deno`). */
  serveViaDeno?: boolean;
  /** Real token endpoint (Codex's default, or `CODEX_REFRESH_TOKEN_URL_OVERRIDE`). */
  tokenUrl: string;
  version: string;
  /** Receives one line per request, and notices. */
  log(line: string): void;
  /** The user's own auth.json, watched for copies of pool logins. */
  userAuthPath?: string;
  /** Where a detached gateway logs (recorded in gateway.json). */
  logFile?: string | null;
  /** Record `running` in gateway.json (default true). */
  record?: boolean;
  /** Builds the dashboard's routes (`/d/…`) on its first request (`dashboard_hook.ts`); absent: no dashboard. */
  dashboard?: () => Promise<DashboardRoutes>;
  flushDelayMs?: number;
  reloadIntervalMs?: number;
  /** After a `refresh_token_reused`, how long to wait for the other holder's write (default 5000 ms). */
  adoptWaitMs?: number;
  backoffBaseMs?: number;
  /** Where notifications go (the CLI passes a `Notifier`); flushed on close. */
  notify?: NotifySink & { flush?(): Promise<void> };
  /** The usage endpoint asked while an account cools down, and how often per account (0: never). */
  cooldownProbe?: { usageUrl: string; intervalMs: number; tickMs?: number };
  /** Write the usage history at most this often (default 60 000 ms). */
  historyFlushMs?: number;
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  pool: AccountPool;
  credentials: Credentials;
  sync: StatusSync;
  /** The usage history, written in the background. */
  history: UsageHistoryBuffer;
  /** The cooldown healer, when probing is on. */
  healer: CooldownHealer | null;
  /** Per-run keys handed out to `cao run --gateway`. */
  runKeys: RunKeys;
  /** Resolves when `POST /shutdown` asked the gateway to stop. */
  stopRequested: Promise<void>;
  /** Stops everything; idempotent. */
  close(): Promise<void>;
}

/** Why `settings` may not be served, or null. Pure. */
export function startProblem(settings: GatewaySettings, key: string): string | null {
  const problem = settingsProblem(settings);
  if (problem) return problem;
  if (!isLoopbackHost(settings.bind) && !settings.allowRemote) {
    return `binding to "${settings.bind}" exposes the gateway beyond this machine; pass --allow-remote to do it`;
  }
  if (!isLoopbackHost(settings.bind) && key.length < 16) return "a remote gateway needs a key";
  return null;
}

/** Starts a gateway. Throws when the address is in use or the settings are not servable. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { home, settings } = options;
  options.keysSaving?.catch(() => {}); // awaited (and thrown) before listening
  const problem = startProblem(settings, options.keys.proxy);
  if (problem) throw new Error(problem);
  const startedAt = home.now().toISOString();
  const credentials = new Credentials({
    fetch: options.fetch,
    tokenUrl: options.tokenUrl,
    now: home.now,
    authPath: (name) => home.paths.authFile(name),
    extraPaths: options.userAuthPath ? [options.userAuthPath] : [],
    adoptWaitMs: options.adoptWaitMs,
  });
  let sync: StatusSync | null = null;
  let healer: CooldownHealer | null = null;
  const notify = options.notify;
  const history = new UsageHistoryBuffer(home, {
    flushIntervalMs: options.historyFlushMs,
    onError: (message) => options.log(`error: ${message}`),
  });
  const pool = new AccountPool(emptyRegistry(), {}, {
    policy: { switchAtPercent: settings.switchAt },
    now: home.now,
    canLogIn: (name) => credentials.canLogIn(name),
    onChange: (name, mutation, urgent) => sync?.enqueue(name, mutation, urgent),
    onUsage: (name, usage) => {
      history.add(name, usage);
      notify?.observeUsage(name, usage);
    },
    onAlarm: (alarm) => {
      if (alarm.kind === "needs-login") notify?.emit(alarm);
      else {
        notify?.emit({
          kind: "all-limited",
          account: alarm.account,
          at: Math.floor(alarm.at.getTime() / 1000),
        });
        healer?.poke();
      }
    },
  });
  // What gateway.json says of the accounts in use: none yet, as the start record below writes (so that
  // the first reload does not write the file once more before the gateway listens).
  let published = JSON.stringify([]);
  let shared = "";
  /** Re-reads the logins; a "needs re-login" mark on a login that got new working tokens is cleared. */
  const recheckLogins = async (): Promise<boolean> => {
    await credentials.reload(pool.registry.accounts.map((a) => a.name));
    let revived = false;
    for (const name of credentials.takeChanged()) {
      if (pool.statuses[name]?.needsRelogin && credentials.canLogIn(name)) {
        pool.record(name, (s) => void clearNeedsRelogin(s), true);
        options.log(`notice: "${name}" has working tokens again; it is used again`);
        revived = true;
      }
    }
    return revived;
  };
  sync = new StatusSync(home, {
    flushDelayMs: options.flushDelayMs,
    reloadIntervalMs: options.reloadIntervalMs,
    onState: (registry, statuses) => pool.replaceState(registry, statuses),
    afterReload: async () => {
      await recheckLogins();
      pool.pruneSessions();
      const nowShared = credentials.sharedLogins.join(",");
      if (nowShared !== shared && nowShared !== "") {
        options.log(
          `notice: the login of ${nowShared} is also held elsewhere; the gateway renews it and keeps the copies in step`,
        );
      }
      shared = nowShared;
      const inUse = pool.accountsInUse();
      if (options.record !== false && JSON.stringify(inUse) !== published) {
        published = JSON.stringify(inUse);
        await updateGatewayFile(home, (file) => void (file.accountsInUse = inUse));
      }
    },
    onError: (message) => options.log(`error: ${message}`),
  });
  await sync.start();
  if (options.cooldownProbe) {
    healer = new CooldownHealer({
      pool,
      credentials,
      fetch: options.fetch,
      now: home.now,
      ...options.cooldownProbe,
      by: `gateway (pid ${Deno.pid})`,
      userAgent: `cao/${options.version}`,
      notify,
      log: options.log,
    });
    healer.start();
  }

  let signalStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => signalStop = resolve);
  const idle = new IdleWatch(settings.idleTimeoutSeconds * 1000);
  const active = new Set<AbortController>();
  const http1 = options.streamViaFetch ? null : new Http1Client({ proxy: options.upstreamProxy });
  const context: GatewayContext = {
    pool,
    credentials,
    idle,
    upstream: settings.upstream,
    retries: settings.retries,
    defaultCooldownMs: settings.defaultCooldownMinutes * 60_000,
    backoffBaseMs: options.backoffBaseMs,
    fetch: options.fetch,
    http1,
    now: home.now,
    active,
    notify,
    log: (entry) => options.log(formatLogLine(entry)),
    recheckLogins,
  };
  const identity = () => ({
    version: options.version,
    pid: Deno.pid,
    startedAt,
    url: server.url,
    upstream: settings.upstream,
    refreshes: credentials.refreshes,
    sharedLogins: credentials.sharedLogins,
  });
  const runKeys = new RunKeys();
  const dashboard = options.dashboard && lazyDashboard(options.dashboard);
  let server: ServerHandle;
  try {
    const handler = createGatewayHandler({
      keys: options.keysSaving ? await options.keysSaving : options.keys,
      runKeys,
      context,
      tokenRoute: {
        credentials,
        fetch: options.fetch,
        tokenUrl: options.tokenUrl,
        accountNames: () => pool.registry.accounts.map((a) => a.name),
      },
      health: () => ({ ok: true, service: "cao-gateway", version: options.version, pid: Deno.pid }),
      status: () => gatewayStatusJson(pool, identity(), home.now()),
      requestShutdown: () => signalStop(),
      dashboard: dashboard?.handle,
    });
    const address = { hostname: settings.bind, port: settings.port };
    server = options.serveViaDeno ? serveHandler(handler, address) : serveHttp1(handler, address);
  } catch (error) {
    await Promise.all([healer?.close(), sync.close(), history.close()]);
    throw error;
  }
  let releaseAlive = () => {};
  if (options.record !== false) {
    releaseAlive = await holdAliveLock(home);
    await updateGatewayFile(home, (file) => {
      file.running = { pid: Deno.pid, url: server.url, startedAt, logFile: options.logFile ?? null };
      file.accountsInUse = [];
    });
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      for (const controller of active) controller.abort(new DOMException("gateway stopping", "AbortError"));
      idle.close();
      runKeys.closeAll();
      await dashboard?.close();
      await server.shutdown();
      await healer?.close();
      http1?.close();
      await sync.close();
      await history.close();
      await notify?.flush?.();
      if (options.record !== false) {
        await updateGatewayFile(home, (file) => {
          if (file.running?.pid === Deno.pid) file.running = null;
          file.accountsInUse = [];
        });
        releaseAlive();
      }
      signalStop();
    })();
  return {
    url: server.url,
    port: server.port,
    pool,
    credentials,
    sync,
    history,
    healer,
    runKeys,
    stopRequested,
    close,
  };
}
