/**
 * @module
 * How the gateway holds its dashboard without loading it: {@link lazyDashboard} wraps the loader the CLI gives
 * (`status/dashboard_app.ts`, imported dynamically) so that the routes are built on the first `/d/` request, a
 * failed load is tried again on the next one, and closing does nothing when they never loaded. Imports only
 * the routes' type, so the gateway's start path stays free of the dashboard's modules.
 */

import type { DashboardRoutes } from "./dashboard_routes.ts";

/** The dashboard as the gateway holds it. */
export interface LazyDashboard {
  /** Answers a `/d/…` request, loading the routes first when needed. */
  handle(request: Request): Promise<Response>;
  /** Ends the routes' event streams, if they were loaded. */
  close(): Promise<void>;
}

/** Wraps `load` so that it runs on the first request only. */
export function lazyDashboard(load: () => Promise<DashboardRoutes>): LazyDashboard {
  let routes: Promise<DashboardRoutes> | undefined;
  return {
    async handle(request) {
      routes ??= load().catch((error) => {
        routes = undefined;
        throw error;
      });
      return (await routes).handle(request);
    },
    async close() {
      (await routes?.catch(() => null))?.close();
    },
  };
}
