/**
 * @module
 * `POST /oauth/token` on the gateway: where `cao run --gateway` points Codex's own token refreshes
 * (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`). When the refresh token Codex holds belongs to a pool login (the
 * user's `~/.codex/auth.json` was imported as an account), the gateway answers from the pool as that login's
 * one owner, renewing it itself if needed, so the two holders never spend the same single-use token. Any
 * other refresh is passed to the real token endpoint unchanged.
 */

import type { Credentials } from "./credentials.ts";
import { jsonAnswer } from "./gateway_answers.ts";

/** What the route needs. */
export interface TokenRouteDeps {
  credentials: Credentials;
  fetch: typeof fetch;
  /** The real token endpoint. */
  tokenUrl: string;
}

function refreshTokenOf(text: string): string | null {
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return doc.grant_type === "refresh_token" && typeof doc.refresh_token === "string"
      ? doc.refresh_token
      : null;
  } catch {
    return null;
  }
}

/** Answers one token request. */
export async function answerTokenRequest(deps: TokenRouteDeps, request: Request): Promise<Response> {
  const text = await request.text();
  const refreshToken = refreshTokenOf(text);
  const account = refreshToken !== null ? deps.credentials.accountWithRefreshToken(refreshToken) : null;
  if (account === null) {
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
  const result = await deps.credentials.tokenFor(account);
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
