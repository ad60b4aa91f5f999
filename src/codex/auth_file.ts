/**
 * @module
 * Codex's `auth.json` (CODEX_FACTS §4.1): reading it, telling whether it holds a real ChatGPT login, and
 * writing it back atomically with mode 0600 and every field it had (unknown ones included). Every write of an
 * auth.json by cao goes through here, under the two locks Codex takes for its own write, in its order
 * (CODEX_FACTS §8): `auth.lock` (cao holds it across a refresh: read, ask, write; Codex takes it only for its
 * write, after its refresh answered), then `auth.json.lock` around the rename. Summaries carry decoded claims only, never a token.
 */

import { jsonObject, nonEmptyString } from "../shared/json_value.ts";
import { writeJsonAtomic } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { dirnameOf } from "../fs/path.ts";
import { codexHomePaths } from "./codex_home_paths.ts";
import { decodeJwtPayload, readTokenClaims } from "./jwt.ts";

/** The parsed document; Codex's own fields plus anything else it holds, kept as is. */
export type CodexAuthDoc = Record<string, unknown>;

/** The outcome of reading an auth.json. */
export type AuthReadResult =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string }
  | { kind: "ok"; auth: CodexAuthDoc };

/** Login state of one account, without any token. */
export interface LoginSummary {
  /** `logged-in`: ChatGPT tokens present; `api-key`: an API key only; `not-logged-in`; `unreadable`. */
  state: "logged-in" | "api-key" | "not-logged-in" | "unreadable";
  /** Why it is not logged in or unreadable, one line. */
  problem: string | null;
  /** From the id token claims. */
  email: string | null;
  /** ChatGPT plan (plus, pro, team, …). */
  plan: string | null;
  /** `tokens.account_id` (what Codex sends as ChatGPT-Account-Id), else the JWT claim. */
  accountId: string | null;
  /** ChatGPT user id. */
  userId: string | null;
  /** Access token expiry, epoch seconds. */
  accessExpiresAt: number | null;
  /** Whether a refresh token is present (without it the login cannot renew itself). */
  hasRefreshToken: boolean;
  /** `last_refresh` as written by Codex, ISO 8601. */
  lastRefresh: string | null;
}

/** The `tokens` object of an auth document, or null. Pure. */
export function authTokens(auth: CodexAuthDoc): Record<string, unknown> | null {
  return jsonObject(auth.tokens);
}

/** The three tokens of a login: what a refresh rotates and what a copy of the login takes over. */
const TOKEN_KEYS = ["id_token", "access_token", "refresh_token"] as const;

/**
 * The `tokens` of `auth` with every non-empty token of `source` (a token answer or another login's `tokens`)
 * laid over them; the other fields of `tokens` are kept. Pure.
 */
export function tokensWith(auth: CodexAuthDoc, source: Record<string, unknown>): Record<string, unknown> {
  const tokens = { ...(authTokens(auth) ?? {}) };
  for (const key of TOKEN_KEYS) {
    const value = nonEmptyString(source[key]);
    if (value) tokens[key] = value;
  }
  return tokens;
}

/** Why `value` is not a Codex ChatGPT login, or null when it is one. Pure. */
export function codexAuthProblem(value: unknown): string | null {
  const auth = jsonObject(value);
  if (!auth) return "it is not a JSON object";
  const tokens = jsonObject(auth.tokens);
  if (!tokens) {
    return nonEmptyString(auth.OPENAI_API_KEY)
      ? "it holds an API key, not a ChatGPT login"
      : "it has no tokens";
  }
  const idToken = nonEmptyString(tokens.id_token);
  if (!idToken || decodeJwtPayload(idToken) === null) return "tokens.id_token is not a JWT";
  if (!nonEmptyString(tokens.access_token)) return "tokens.access_token is missing";
  if (!nonEmptyString(tokens.refresh_token)) return "tokens.refresh_token is missing";
  return null;
}

/** Summarises the login held by an auth read, decoding claims without exposing tokens. Pure. */
export function summarizeAuth(read: AuthReadResult): LoginSummary {
  const blank: LoginSummary = {
    state: "not-logged-in",
    problem: null,
    email: null,
    plan: null,
    accountId: null,
    userId: null,
    accessExpiresAt: null,
    hasRefreshToken: false,
    lastRefresh: null,
  };
  if (read.kind === "missing") return { ...blank, problem: "no auth.json" };
  if (read.kind === "unreadable") return { ...blank, state: "unreadable", problem: read.reason };
  const auth = read.auth;
  const tokens = authTokens(auth) ?? {};
  const idClaims = readTokenClaims(decodeJwtPayload(nonEmptyString(tokens.id_token) ?? ""));
  const accessClaims = readTokenClaims(decodeJwtPayload(nonEmptyString(tokens.access_token) ?? ""));
  const problem = codexAuthProblem(auth);
  const state = problem === null
    ? "logged-in"
    : (nonEmptyString(auth.OPENAI_API_KEY) && !jsonObject(auth.tokens) ? "api-key" : "not-logged-in");
  return {
    state,
    problem,
    email: idClaims.email ?? accessClaims.email,
    plan: idClaims.plan ?? accessClaims.plan,
    accountId: nonEmptyString(tokens.account_id) ?? idClaims.accountId ?? accessClaims.accountId,
    userId: idClaims.userId ?? accessClaims.userId,
    accessExpiresAt: accessClaims.expiresAt,
    hasRefreshToken: nonEmptyString(tokens.refresh_token) !== null,
    lastRefresh: nonEmptyString(auth.last_refresh),
  };
}

/** Reads an auth.json. An unparsable file is reported, not moved: Codex owns it and may be writing it. */
export async function readAuthFile(path: string): Promise<AuthReadResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    const value = JSON.parse(text);
    const auth = jsonObject(value);
    if (!auth) return { kind: "unreadable", reason: "auth.json is not a JSON object" };
    return { kind: "ok", auth };
  } catch (error) {
    return { kind: "unreadable", reason: `auth.json is not valid JSON (${(error as Error).message})` };
  }
}

/** Writes the auth.json its lock was taken for; only valid inside {@link withAuthFileLock}. */
export type AuthFileWriter = (auth: CodexAuthDoc) => Promise<void>;

/**
 * Runs `action` holding Codex's `auth.lock` of the login at `path` (`<CODEX_HOME>/auth.json`), so that a
 * read, a token refresh and the write that follows are one step for every cao process and for Codex. The
 * action writes only through the writer it is handed, which also takes `auth.json.lock` and writes
 * atomically with mode 0600, every field of the document as given.
 */
export async function withAuthFileLock<T>(
  path: string,
  action: (write: AuthFileWriter) => Promise<T>,
): Promise<T> {
  const home = codexHomePaths(dirnameOf(path));
  const write: AuthFileWriter = (auth) =>
    withFileLock(`${path}.lock`, () => writeJsonAtomic(path, auth, { mode: 0o600 }));
  return await withFileLock(home.authLock, () => action(write));
}

/** Writes `auth` to the login at `path` under Codex's two locks (see {@link withAuthFileLock}). */
export async function writeAuthFileLocked(path: string, auth: CodexAuthDoc): Promise<void> {
  await withAuthFileLock(path, (write) => write(auth));
}
