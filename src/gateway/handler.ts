/**
 * @module
 * The gateway's request handler, separate from the `Deno.serve` call (`server.ts`). `GET /health` is for
 * anyone; `/d/…` goes to the dashboard when one is wired in (`dashboard_routes.ts`: its own read key and
 * sessions, loaded on the first such request). Two keys (`settings.ts`): the **control key**, accepted only
 * in the `x-cao-gateway-key` header (never in a URL, where Codex would print and store it), is needed for `GET /status`, `POST /shutdown` and
 * `POST /run-key` (403 without it); the **proxy key** — the path prefix `/k/<key>` of `openai_base_url`, or
 * the header — and a live per-run key (`run_keys.ts`) only proxy: WebSocket upgrades get 426 (Codex then
 * uses HTTPS at once), `POST /oauth/token` serves Codex's own refreshes (`token_route.ts`), every other path
 * goes to the upstream (`proxy.ts`). A proxied request without a valid key, or with the control key in its
 * URL, gets the one-line 400 Codex shows at once, and nothing goes upstream.
 */

import { type GatewayRequest, webRequest } from "./gateway_request.ts";
import type { GatewayAnswer } from "./relayed_answer.ts";
import { GATEWAY_KEY_HEADER } from "./forward_headers.ts";
import {
  controlForbiddenAnswer,
  forbiddenAnswer,
  jsonAnswer,
  upgradeRequiredAnswer,
} from "./gateway_answers.ts";
import { proxyRequest } from "./proxy.ts";
import type { GatewayContext } from "./proxy_context.ts";
import { type RunKeys, sameKey } from "./run_keys.ts";
import type { GatewayKeys } from "./settings.ts";
import { answerTokenRequest, type TokenRouteDeps } from "./token_route.ts";

/** Everything the handler routes to. */
export interface HandlerDeps {
  /** The gateway's control and proxy keys. */
  keys: GatewayKeys;
  /** Per-run keys handed out by `POST /run-key`, accepted while their run lives. */
  runKeys: RunKeys;
  context: GatewayContext;
  tokenRoute: TokenRouteDeps;
  health(): Record<string, unknown>;
  status(): Record<string, unknown>;
  /** Asked by `POST /shutdown`. */
  requestShutdown(): void;
  /** Answers `/d/…`, the dashboard (loaded on its first request; absent: `/d/` is proxied like any path). */
  dashboard?: (request: Request) => Promise<Response>;
}

export { sameKey };

/** Splits `/k/<key>/rest` into the key and `/rest`. Pure. */
export function splitKeyPrefix(path: string): { key: string | null; path: string } {
  if (!path.startsWith("/k/")) return { key: null, path };
  const end = path.indexOf("/", 3);
  return end < 0 ? { key: path.slice(3), path: "/" } : { key: path.slice(3, end), path: path.slice(end) };
}

/** What a request may do, by the key it carries. */
export type Access = "control" | "proxy" | "none";

/**
 * The access a request's keys give: the control key counts only in the header; the proxy key and live per-run
 * keys in the path prefix or the header. A URL carrying the control key gives none. Pure (given `runKey`).
 */
export function accessOf(
  pathKey: string | null,
  headerKey: string | null,
  keys: GatewayKeys,
  runKey: (key: string) => boolean,
): Access {
  if (pathKey !== null && sameKey(pathKey, keys.control)) return "none";
  if (headerKey !== null && sameKey(headerKey, keys.control)) return "control";
  const given = pathKey ?? headerKey;
  if (given === null) return "none";
  return sameKey(given, keys.proxy) || runKey(given) ? "proxy" : "none";
}

/** Builds the handler. */
export function createGatewayHandler(deps: HandlerDeps): (request: GatewayRequest) => Promise<GatewayAnswer> {
  return async (request) => {
    const url = request.parsedUrl ?? new URL(request.url);
    const started = performance.now();
    const { key, path } = splitKeyPrefix(url.pathname);
    /** Every answer the gateway writes itself gets its log line, as proxied requests do. */
    const logged = (answer: Response, note?: string): Response => {
      deps.context.log({
        at: deps.context.now(),
        method: request.method,
        path: key !== null ? path : url.pathname,
        status: answer.status,
        durationMs: performance.now() - started,
        account: null,
        session: request.headers.get("session-id"),
        note,
      });
      return answer;
    };
    // Health checks are polled (`cao status`, `cao run --gateway`, the dashboard): no log line each.
    if (url.pathname === "/health" && request.method === "GET") return jsonAnswer(200, deps.health());
    if (
      deps.dashboard && url.pathname.startsWith("/d") &&
      (url.pathname.length === 2 || url.pathname[2] === "/")
    ) {
      return logged(await deps.dashboard(webRequest(request)));
    }
    const access = accessOf(
      key,
      request.headers.get(GATEWAY_KEY_HEADER),
      deps.keys,
      (k) => deps.runKeys.accepts(k),
    );
    const control = path === "/shutdown" || path === "/run-key" || path === "/status";
    if (access === "none" || (control && access !== "control")) {
      await request.body?.cancel().catch(() => {});
      return logged(
        control ? controlForbiddenAnswer() : forbiddenAnswer(),
        control && access === "proxy" ? "needs the control key" : "missing or wrong gateway key",
      );
    }
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return logged(upgradeRequiredAnswer(), "websocket");
    }
    if (path === "/status" && request.method === "GET") return logged(jsonAnswer(200, deps.status()));
    if (path === "/run-key" && request.method === "POST") {
      await request.body?.cancel().catch(() => {});
      return logged(deps.runKeys.open());
    }
    if (path === "/shutdown" && request.method === "POST") {
      deps.requestShutdown();
      return logged(jsonAnswer(202, { stopping: true }));
    }
    if (path === "/oauth/token" && request.method === "POST") {
      return logged(await answerTokenRequest(deps.tokenRoute, request), "token refresh");
    }
    return await proxyRequest(deps.context, {
      request,
      path,
      search: url.search,
      clientSignal: request.signal,
    });
  };
}
