/**
 * @module
 * Decoding of the JWT claims Codex reads from auth.json (CODEX_FACTS §4.2). Decoding only: signatures are
 * never checked (Codex does not check them either) and no token ever leaves this module in a result.
 */

import { finiteNumber, jsonObject, nonEmptyString } from "../shared/json_value.ts";

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
    return jsonObject(value);
  } catch {
    return null;
  }
}

/** Reads the claims cao cares about from a decoded JWT payload. */
export function readTokenClaims(payload: Record<string, unknown> | null): TokenClaims {
  const p = payload ?? {};
  const auth = jsonObject(p[AUTH_CLAIM]) ?? {};
  const profile = jsonObject(p[PROFILE_CLAIM]) ?? {};
  return {
    email: nonEmptyString(p.email) ?? nonEmptyString(profile.email),
    plan: nonEmptyString(auth.chatgpt_plan_type),
    accountId: nonEmptyString(auth.chatgpt_account_id),
    userId: nonEmptyString(auth.chatgpt_user_id) ?? nonEmptyString(auth.user_id),
    expiresAt: finiteNumber(p.exp),
  };
}
