/**
 * @module
 * `POST /oauth/token` on the gateway: where every Codex that cao starts sends its own token refreshes
 * (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`: `cao run --gateway`, and wrapper-mode `cao run` on a pool login while a
 * gateway runs). When the refresh token Codex holds belongs to a pool login — the account's own home, or the
 * user's `~/.codex/auth.json` imported as an account — the gateway answers as that login's one refresher
 * (`Credentials.renewFor`): a token it already rotated away from gets the current tokens (200, `id_token`,
 * `access_token`, `refresh_token`: Codex stores them), the current one is renewed once however many ask. So
 * two holders never spend the same single-use token. A token the pool does not know, after a second look at
 * the logins on disk, is passed to the real token endpoint unchanged.
 */

import type { GatewayRequest } from "./gateway_request.ts";
import { bodyText } from "./request_bytes.ts";
import type { RefreshReason } from "../codex/token_refresh.ts";
import type { Credentials } from "./credentials.ts";
import { jsonAnswer } from "./gateway_answers.ts";

/** What the route needs. */
export interface TokenRouteDeps {
  credentials: Credentials;
  /** The pool's account names now (to re-read their logins when a token is not known yet). */
  accountNames(): string[];
  fetch: typeof fetch;
  /** The real token endpoint. */
  tokenUrl: string;
}

function refreshRequestOf(text: string): { token: string; reason: RefreshReason } | null {
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (doc.grant_type !== "refresh_token" || typeof doc.refresh_token !== "string") return null;
    const reason = doc.refresh_reason === "unauthorized_recovery"
      ? "unauthorized_recovery"
      : "proactive_expiry";
    return { token: doc.refresh_token, reason };
  } catch {
    return null;
  }
}

/** Answers one token request. */
export async function answerTokenRequest(deps: TokenRouteDeps, request: GatewayRequest): Promise<Response> {
  const text = await bodyText(request);
  const asked = refreshRequestOf(text);
  let account = asked !== null ? deps.credentials.accountWithRefreshToken(asked.token) : null;
  if (asked !== null && account === null) {
    // A login changed on disk since the last look (e.g. a new "cao add"): look again before passing it on.
    await deps.credentials.reload(deps.accountNames());
    account = deps.credentials.accountWithRefreshToken(asked.token);
  }
  if (asked === null || account === null) {
    const upstream = await deps.fetch(deps.tokenUrl, {
      method: "POST",
      headers: {
        "content-type": request.headers.get("content-type") ?? "application/json",
        accept: "application/json",
      },
      body: text,
    });
    const body = await upstream.text();
    return new Response(body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  }
  const result = await deps.credentials.renewFor(account, asked.token, asked.reason);
  if (result.kind === "needs-relogin") {
    return jsonAnswer(401, {
      error: {
        code: "refresh_token_invalidated",
        message:
          `cao gateway: account "${account}" needs a new login (${result.reason}); run "cao add ${account}"`,
      },
    });
  }
  if (result.kind === "failed") {
    return jsonAnswer(502, {
      error: { code: "cao_gateway_refresh_failed", message: `cao gateway: ${result.reason}` },
    });
  }
  const tokens = await deps.credentials.currentTokens(account);
  if (!tokens) {
    return jsonAnswer(502, {
      error: { code: "cao_gateway_refresh_failed", message: "cao gateway: login unreadable" },
    });
  }
  return jsonAnswer(200, {
    id_token: tokens.id_token,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
  });
}
