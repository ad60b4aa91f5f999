/**
 * @module
 * The dashboard put together for a server: reads the facts (the same as `cao status`, plus the usage
 * history and the gateway's running record; no network), renders them with the pure views, fingerprints the
 * files they come from (a stat of each, for the live updates), and hands all that to the routes
 * (`gateway/dashboard_routes.ts`). {@link dashboardRoutes} is what the gateway loads on its first `/d/`
 * request and what `cao dashboard` serves itself. Never prints, never writes (beyond what the stores do with
 * a damaged file).
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { loadUsageHistory } from "../accounts/usage_history.ts";
import { readDashboardKey } from "../gateway/dashboard_key.ts";
import {
  createDashboardRoutes,
  type DashboardApp,
  type DashboardRoutes,
} from "../gateway/dashboard_routes.ts";
import type { LiveTiming } from "../gateway/dashboard_events.ts";
import { loadGatewayFile } from "../gateway/settings.ts";
import { collectStatus } from "./collect.ts";
import { DASHBOARD_ASSETS } from "./dashboard_assets.ts";
import { renderDashboardMain, renderDashboardPage, renderRefusedPage } from "./dashboard_html.ts";
import {
  type DashboardFacts,
  dashboardJson,
  type DashboardRange,
  dashboardView,
  type ServedBy,
} from "./dashboard_view.ts";

/** Options of {@link createDashboardApp}. */
export interface DashboardAppOptions {
  /** The user's own CODEX_HOME (whether Codex is routed to the gateway). */
  userCodexHome: string;
  servedBy: ServedBy;
}

/** `mtime:size` of a file, `-` when it is missing. */
async function stamp(path: string): Promise<string> {
  try {
    const info = await Deno.stat(path);
    return `${info.mtime?.getTime() ?? 0}:${info.size}`;
  } catch {
    return "-";
  }
}

/** Reads every fact the dashboard shows. No network. */
export async function collectDashboard(home: CaoHome, options: DashboardAppOptions): Promise<DashboardFacts> {
  const [snapshot, history, gatewayFile] = await Promise.all([
    collectStatus(home, { userCodexHome: options.userCodexHome }),
    loadUsageHistory(home),
    loadGatewayFile(home),
  ]);
  const running = gatewayFile.running;
  return {
    snapshot,
    history,
    moves: [],
    gatewayRunning: running ? { url: running.url, pid: running.pid } : null,
    servedBy: options.servedBy,
  };
}

/** The dashboard of one cao home. */
export function createDashboardApp(home: CaoHome, options: DashboardAppOptions): DashboardApp {
  let accounts: string[] = [];
  const view = async (range: DashboardRange) => {
    const facts = await collectDashboard(home, options);
    accounts = facts.snapshot.accounts.map((a) => a.name);
    return dashboardView(facts, range);
  };
  const paths = home.paths;
  return {
    page: async (range) => renderDashboardPage(await view(range)),
    live: async (range) => renderDashboardMain(await view(range)),
    state: async (range) => dashboardJson(await view(range)),
    fingerprint: async () => {
      const files = [paths.registry, paths.status, paths.usageHistory, paths.gatewaySettings];
      for (const name of accounts) files.push(paths.authFile(name));
      return (await Promise.all(files.map(stamp))).join(" ");
    },
    asset: (name) => DASHBOARD_ASSETS[name] ?? null,
    refusedPage: renderRefusedPage,
  };
}

/** The routes serving the dashboard of `home` (the gateway's, or `cao dashboard`'s own server). */
export function dashboardRoutes(home: CaoHome, options: DashboardAppOptions & LiveTiming): DashboardRoutes {
  return createDashboardRoutes({
    ...options,
    app: createDashboardApp(home, options),
    readKey: () => readDashboardKey(home),
    now: home.now,
  });
}
