/**
 * @module
 * Builds Codex auth.json documents with unsigned JWTs (alg none), as the real Codex accepts them
 * (CODEX_FACTS conventions). Test-only.
 */

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Options for a fake ChatGPT login. */
export interface FakeAuthOptions {
  email?: string;
  plan?: string;
  accountId?: string;
  userId?: string;
  /** Access-token expiry, epoch seconds (default: year 2100). */
  exp?: number;
  refreshToken?: string;
  /** Extra top-level fields to include (to check they survive rewrites). */
  extra?: Record<string, unknown>;
}

/** An unsigned JWT carrying the given claims. */
export function fakeJwt(claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}.sig`;
}

/** A Codex auth.json object for a ChatGPT login. */
export function fakeAuthJson(options: FakeAuthOptions = {}): Record<string, unknown> {
  const email = options.email ?? "user@example.com";
  const accountId = options.accountId ?? "acct_test";
  const claims = {
    email,
    exp: options.exp ?? 4102444800,
    "https://api.openai.com/auth": {
      chatgpt_plan_type: options.plan ?? "plus",
      chatgpt_account_id: accountId,
      chatgpt_user_id: options.userId ?? `user_${accountId}`,
    },
  };
  return {
    OPENAI_API_KEY: null,
    tokens: {
      id_token: fakeJwt(claims),
      access_token: fakeJwt({ ...claims, scp: ["openid"] }),
      refresh_token: options.refreshToken ?? `rt_${accountId}_refresh_secret_0`,
      account_id: accountId,
    },
    last_refresh: "2026-11-21T10:00:00.000Z",
    ...options.extra,
  };
}
