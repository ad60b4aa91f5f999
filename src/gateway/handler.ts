/**
 * @module
 * The gateway's request handler, separate from the `Deno.serve` call (`server.ts`): `GET /health` for
 * anyone; for everything else the gateway key, given as the path prefix `/k/<key>` (how Codex sends it: it
 * is part of `openai_base_url`) or the `x-cao-gateway-key` header; a live per-run key (`run_keys.ts`) is
 * as good for Codex's traffic. Without one: 403 and nothing goes upstream. With it: WebSocket upgrades get
 * 426 (Codex then uses HTTPS at once), `GET /status` the JSON view, `POST /oauth/token` serves Codex's own
 * refreshes (`token_route.ts`), and every other path is proxied to the upstream (`proxy.ts`). Only the
 * gateway key itself may `POST /shutdown` (stop the gateway) or `POST /run-key` (hand out a per-run key).
 */

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
import { answerTokenRequest, type TokenRouteDeps } from "./token_route.ts";

/** Everything the handler routes to. */
export interface HandlerDeps {
  key: string;
  /** Per-run keys handed out by `POST /run-key`, accepted while their run lives. */
  runKeys: RunKeys;
  context: GatewayContext;
  tokenRoute: TokenRouteDeps;
  health(): Record<string, unknown>;
  status(): Record<string, unknown>;
  /** Asked by `POST /shutdown`. */
  requestShutdown(): void;
}

export { sameKey };

/** Splits `/k/<key>/rest` into the key and `/rest`. Pure. */
export function splitKeyPrefix(path: string): { key: string | null; path: string } {
  if (!path.startsWith("/k/")) return { key: null, path };
  const end = path.indexOf("/", 3);
  return end < 0 ? { key: path.slice(3), path: "/" } : { key: path.slice(3, end), path: path.slice(end) };
}

/** Builds the handler. */
export function createGatewayHandler(deps: HandlerDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/health" && request.method === "GET") return jsonAnswer(200, deps.health());
    const { key, path } = splitKeyPrefix(url.pathname);
    const given = key ?? request.headers.get(GATEWAY_KEY_HEADER);
    const main = given !== null && sameKey(given, deps.key);
    const privileged = path === "/shutdown" || path === "/run-key";
    const control = privileged || path === "/status";
    if (given === null || (!main && (privileged || !deps.runKeys.accepts(given)))) {
      const answer = control ? controlForbiddenAnswer() : forbiddenAnswer();
      deps.context.log({
        at: deps.context.now(),
        method: request.method,
        path: key !== null ? "/k/…" : url.pathname,
        status: answer.status,
        durationMs: 0,
        account: null,
        note: "missing or wrong gateway key",
      });
      await request.body?.cancel().catch(() => {});
      return answer;
    }
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return upgradeRequiredAnswer();
    if (path === "/status" && request.method === "GET") return jsonAnswer(200, deps.status());
    if (path === "/run-key" && request.method === "POST") {
      await request.body?.cancel().catch(() => {});
      return deps.runKeys.open();
    }
    if (path === "/shutdown" && request.method === "POST") {
      deps.requestShutdown();
      return jsonAnswer(202, { stopping: true });
    }
    if (path === "/oauth/token" && request.method === "POST") {
      return await answerTokenRequest(deps.tokenRoute, request);
    }
    return await proxyRequest(deps.context, {
      request,
      path,
      search: url.search,
      clientSignal: request.signal,
    });
  };
}
