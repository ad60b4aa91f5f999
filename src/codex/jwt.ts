/**
 * @module
 * Decoding of the JWT claims Codex reads from auth.json (CODEX_FACTS §4.2). Decoding only: signatures are
 * never checked (Codex does not check them either) and no token ever leaves this module in a result.
 */

/** The claims cao uses, decoded from an id or access token. Every field is null when absent. */
export interface TokenClaims {
  /** `email`, or `https://api.openai.com/profile.email`. */
  email: string | null;
  /** `https://api.openai.com/auth.chatgpt_plan_type` (plus, pro, team, …). */
  plan: string | null;
  /** `https://api.openai.com/auth.chatgpt_account_id`. */
  accountId: string | null;
  /** `https://api.openai.com/auth.chatgpt_user_id` or `.user_id`. */
  userId: string | null;
  /** `exp` as epoch seconds. */
  expiresAt: number | null;
}

const AUTH_CLAIM = "https://api.openai.com/auth";
const PROFILE_CLAIM = "https://api.openai.com/profile";

/** Decodes the payload of a JWT into a plain object, or returns null when it is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1].length === 0) return null;
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/** Reads the claims cao cares about from a decoded JWT payload. */
export function readTokenClaims(payload: Record<string, unknown> | null): TokenClaims {
  const p = payload ?? {};
  const auth = objectOrEmpty(p[AUTH_CLAIM]);
  const profile = objectOrEmpty(p[PROFILE_CLAIM]);
  return {
    email: stringOrNull(p.email) ?? stringOrNull(profile.email),
    plan: stringOrNull(auth.chatgpt_plan_type),
    accountId: stringOrNull(auth.chatgpt_account_id),
    userId: stringOrNull(auth.chatgpt_user_id) ?? stringOrNull(auth.user_id),
    expiresAt: typeof p.exp === "number" && Number.isFinite(p.exp) ? p.exp : null,
  };
}
