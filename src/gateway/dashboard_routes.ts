/**
 * @module
 * The dashboard's HTTP routes under `/d/`, served by the gateway (its handler hands `/d/…` here, loading this
 * module on the first such request) or by `cao dashboard`'s own loopback server. What the page shows comes
 * from a {@link DashboardApp} (built in `status/`, which owns the data and the rendering); this module owns
 * who may see it:
 *
 * - `GET /d/?t=<ticket>` takes a one-time ticket (`dashboard_auth.ts`) and answers 303 to `/d/` with the
 *   session cookie (HttpOnly, SameSite=Strict, Path=/d/); a used, expired or forged ticket gets 403.
 * - `GET /d/`, `/d/events` (server-sent events), `/d/state.json` need the session cookie: 403 without it.
 * - `GET /d/app.css`, `/d/app.js`: the page's static assets, the same for everyone, nothing in them.
 * - `GET /d/probe?n=<nonce>`: the server's proof that it holds this home's read key (nothing else).
 *
 * Every route answers only requests addressed to a loopback host (a page of another site that rebinds its
 * name to 127.0.0.1 gets 403), with `no-store`, a strict Content-Security-Policy and no referrer.
 */

import { isLoopbackHost } from "./address.ts";
import {
  checkSession,
  checkTicket,
  mintSession,
  probeProof,
  SESSION_SECONDS,
  sessionCookieName,
  UsedTickets,
} from "./dashboard_auth.ts";
import { DashboardEvents, type DashboardRange, type LiveTiming } from "./dashboard_events.ts";

export type { DashboardRange };

/** Why a browser is refused: its link was used or has expired, or it has no session. */
export type RefusalReason = "ticket" | "session";

/** What the routes serve, rendered elsewhere. */
export interface DashboardApp {
  /** The whole page (readable without JavaScript). */
  page(range: DashboardRange): Promise<string>;
  /** The live part of the page (`<main>`'s HTML). */
  live(range: DashboardRange): Promise<string>;
  /** The state as a JSON document (`cao dashboard --json`'s `state`). */
  state(range: DashboardRange): Promise<unknown>;
  /** Changes whenever a file the dashboard is made of changes (stat only). */
  fingerprint(): Promise<string>;
  /** A static asset by file name (`app.css`), or null. */
  asset(name: string): { type: string; body: string } | null;
  /** The page shown with a 403. */
  refusedPage(reason: RefusalReason): string;
}

/** Inputs of {@link createDashboardRoutes}. */
export interface DashboardRoutesOptions extends LiveTiming {
  app: DashboardApp;
  /** The read key (read from dashboard.json on each use, so a new key takes effect at once); null: none. */
  readKey(): Promise<string | null>;
  now(): Date;
}

/** The routes of one server. */
export interface DashboardRoutes {
  /** Answers a request whose path is `/d` or starts with `/d/`. */
  handle(request: Request): Promise<Response>;
  /** Ends the open event streams (before the server stops). */
  close(): void;
}

/** The Content-Security-Policy of every dashboard answer: its own scripts, styles and event stream only. */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "content-security-policy": DASHBOARD_CSP,
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function answer(status: number, body: string | null, type: string, extra: Record<string, string> = {}) {
  return new Response(body, { status, headers: { "content-type": type, ...SECURITY_HEADERS, ...extra } });
}

const TEXT = "text/plain; charset=utf-8";
const HTML = "text/html; charset=utf-8";

/** The range a query string asks for (`?range=week`); the day by default. Pure. */
export function rangeOf(params: URLSearchParams): DashboardRange {
  return params.get("range") === "week" ? "week" : "day";
}

/** The value of cookie `name` in a Cookie header, or null. Pure. */
export function cookieValue(header: string | null, name: string): string | null {
  if (header === null) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

/** Whether a request is addressed to a loopback host (its Host header). Pure. */
export function addressedToLoopback(request: Request): boolean {
  const host = request.headers.get("host") ?? new URL(request.url).host;
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  return isLoopbackHost(hostname);
}

/** Builds the routes. */
export function createDashboardRoutes(options: DashboardRoutesOptions): DashboardRoutes {
  const { app } = options;
  const used = new UsedTickets();
  const events = new DashboardEvents({ render: (range) => app.live(range), fingerprint: app.fingerprint }, {
    pollMs: options.pollMs,
    refreshMs: options.refreshMs,
    keepAliveMs: options.keepAliveMs,
    onError: options.onError,
  });
  const seconds = () => Math.floor(options.now().getTime() / 1000);

  async function hasSession(request: Request, key: string): Promise<boolean> {
    const value = cookieValue(request.headers.get("cookie"), await sessionCookieName(key));
    return value !== null && await checkSession(key, value, seconds());
  }

  async function takeTicket(url: URL, request: Request, key: string): Promise<Response> {
    const check = await checkTicket(key, url.searchParams.get("t") ?? "", seconds());
    const range = url.searchParams.get("range") === "week" ? "?range=week" : "";
    const fresh = check.kind === "ok" && used.take(check.id, check.expiresAt, seconds());
    if (!fresh) {
      if (await hasSession(request, key)) return answer(303, null, TEXT, { location: `/d/${range}` });
      return answer(403, app.refusedPage("ticket"), HTML);
    }
    const cookie = `${await sessionCookieName(key)}=${await mintSession(key, seconds())}; Path=/d/; ` +
      `Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict`;
    return answer(303, null, TEXT, { location: `/d/${range}`, "set-cookie": cookie });
  }

  async function route(request: Request, url: URL, key: string): Promise<Response> {
    const path = url.pathname === "/d" ? "/d/" : url.pathname;
    if (path === "/d/probe") {
      const nonce = url.searchParams.get("n") ?? "";
      if (!/^[0-9a-f]{16,128}$/.test(nonce)) return answer(400, "a nonce is needed\n", TEXT);
      return answer(
        200,
        JSON.stringify({ service: "cao-dashboard", proof: await probeProof(key, nonce) }),
        "application/json",
      );
    }
    const asset = path.startsWith("/d/") ? app.asset(path.slice(3)) : null;
    if (asset !== null) return answer(200, asset.body, asset.type);
    if (path === "/d/" && url.searchParams.has("t")) return await takeTicket(url, request, key);
    const known = path === "/d/" || path === "/d/events" || path === "/d/state.json";
    if (!known) return answer(404, "not found\n", TEXT);
    if (!(await hasSession(request, key))) {
      return path === "/d/"
        ? answer(403, app.refusedPage("session"), HTML)
        : answer(403, 'cao dashboard: this page needs a session; run "cao dashboard"\n', TEXT);
    }
    const range = rangeOf(url.searchParams);
    if (path === "/d/events") return events.open(range);
    if (path === "/d/state.json") {
      return answer(200, JSON.stringify(await app.state(range)), "application/json");
    }
    return answer(200, await app.page(range), HTML);
  }

  return {
    async handle(request) {
      await request.body?.cancel().catch(() => {});
      if (!addressedToLoopback(request)) return answer(403, "cao dashboard answers on loopback only\n", TEXT);
      if (request.method !== "GET" && request.method !== "HEAD") {
        return answer(405, "method not allowed\n", TEXT, { allow: "GET, HEAD" });
      }
      const key = await options.readKey();
      if (key === null) return answer(404, "no dashboard here\n", TEXT);
      return await route(request, new URL(request.url), key);
    },
    close: () => events.close(),
  };
}
