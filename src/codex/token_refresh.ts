/**
 * @module
 * The one token refresher for an account home (CODEX_FACTS §4.3), shared by the gateway and
 * `cao status --refresh`. Refresh tokens are single-use, so a refresh is done with one owner at a time:
 *
 * 1. take `<CODEX_HOME>/auth.lock` (a `flock`; Deno's `FsFile.lock` is the same kind of lock) for the whole
 *    read-ask-write, which keeps every cao process apart. Codex itself does **not** hold it while it
 *    refreshes (CODEX_FACTS §8: it reads auth.json unlocked, posts, and takes the lock only to write), so the
 *    lock alone does not keep a Codex out: cao routes the refreshes of every Codex it starts to the gateway
 *    (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`), and `login_copies.ts` adopts what an unrouted Codex wrote after a
 *    `refresh_token_reused`;
 * 2. re-read auth.json under it and adopt tokens someone else already rotated (the access token on disk is
 *    no longer the one the caller saw refused, or it is still valid);
 * 3. otherwise POST the refresh token to `https://auth.openai.com/oauth/token` (or
 *    `CODEX_REFRESH_TOKEN_URL_OVERRIDE`, as Codex does);
 * 4. write the new tokens atomically, 0600, keeping every other field, while also holding Codex's commit
 *    lock `auth.json.lock`.
 *
 * A refusal for good (`refresh_token_reused`, expired, revoked/invalidated, `invalid_grant`, any 401) is
 * classified as needs-re-login; network trouble and 5xx answers are transient. Nothing here prints or
 * touches account_status.json: callers record the outcome. Results never carry the refresh token.
 */

import { jsonObject, nonEmptyString } from "../shared/json_value.ts";
import { redactSecrets } from "../shared/redact.ts";
import { authTokens, type CodexAuthDoc, readAuthFile, tokensWith, withAuthFileLock } from "./auth_file.ts";
import { decodeJwtPayload, readTokenClaims } from "./jwt.ts";
import { later } from "../shared/timers.ts";

/** Where Codex refreshes tokens unless `CODEX_REFRESH_TOKEN_URL_OVERRIDE` says otherwise. */
export const DEFAULT_REFRESH_TOKEN_URL = "https://auth.openai.com/oauth/token";

/** The environment variable Codex reads to override the token URL (cao honours it too). */
export const REFRESH_TOKEN_URL_ENV = "CODEX_REFRESH_TOKEN_URL_OVERRIDE";

/** The OAuth client id of the Codex CLI. */
export const CODEX_OAUTH_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/** Refresh when the access token expires within this many seconds (Codex uses about 5 minutes). */
export const REFRESH_MARGIN_SECONDS = 300;

/** Why a refresh is asked for, as Codex sends it in `refresh_reason`. */
export type RefreshReason = "proactive_expiry" | "unauthorized_recovery";

/** Usable tokens after a refresh (or adopted from disk). Callers must never print them. */
export interface FreshTokens {
  accessToken: string;
  /** `tokens.account_id`: the `ChatGPT-Account-Id` header value, null when absent. */
  accountId: string | null;
  /** Access token expiry, epoch seconds, null when unknown. */
  expiresAt: number | null;
}

/** The outcome of {@link refreshAccountTokens}. */
export type RefreshOutcome =
  /** This call rotated the tokens and wrote them. */
  | { kind: "refreshed"; tokens: FreshTokens }
  /** Someone else already rotated them, or they are still valid: use what is on disk. */
  | { kind: "adopted"; tokens: FreshTokens }
  /**
   * The login is dead (refused for good, or no refresh token): the account needs `cao add <name>`. `code`:
   * the token endpoint's error code, when it gave one (`refresh_token_reused`: another holder spent it).
   */
  | { kind: "needs-relogin"; reason: string; code?: string }
  /** A transient failure (network, timeout, 5xx, unreadable file): try again later. */
  | { kind: "failed"; reason: string };

/** Inputs of {@link refreshAccountTokens}. */
export interface RefreshRequest {
  /** The account's auth.json (its directory is the CODEX_HOME holding the locks). */
  authPath: string;
  /** HTTP client. */
  fetch: typeof fetch;
  /** The token URL ({@link refreshTokenUrl}). */
  tokenUrl: string;
  /** The clock. */
  now: () => Date;
  /** Default "proactive_expiry". */
  reason?: RefreshReason;
  /**
   * The access token the caller saw refused (a 401): when auth.json holds another one, it is adopted
   * without a refresh. Without it, a token valid beyond the margin is adopted.
   */
  rejectedAccessToken?: string;
  /** Give up on the token endpoint after this long (default 15 s). */
  timeoutMs?: number;
  /** Sent as `user-agent`. */
  userAgent?: string;
  /**
   * After a `refresh_token_reused` refusal, how long `refreshWithCopies` waits for the holder that spent the
   * token (a Codex writes only after its own refresh answered) to write what it got (default 5000 ms).
   */
  adoptWaitMs?: number;
  /**
   * Told, after a refresh was written, which refresh token it spent, so that the caller can bring copies of
   * the login in step (`login_copies.ts`). Never print it.
   */
  onRotated?(spentRefreshToken: string): void;
}

/** The token URL: the override when set, else Codex's default. Pure. */
export function refreshTokenUrl(env: (name: string) => string | undefined): string {
  const override = env(REFRESH_TOKEN_URL_ENV);
  return override && override.length > 0 ? override : DEFAULT_REFRESH_TOKEN_URL;
}

function errorCode(body: unknown): string | null {
  const doc = jsonObject(body);
  if (doc === null) return null;
  const inner = jsonObject(doc.error);
  if (inner !== null) return nonEmptyString(inner.code);
  return nonEmptyString(doc.error) ?? nonEmptyString(doc.code);
}

/** Classifies a refused refresh (non-2xx answer of the token endpoint). Pure. */
export function classifyRefreshRefusal(
  status: number,
  body: unknown,
): { kind: "needs-relogin"; reason: string; code?: string } | { kind: "failed"; reason: string } {
  const code = errorCode(body);
  switch (code) {
    case "refresh_token_reused":
      return {
        kind: "needs-relogin",
        reason: "the refresh token was already used (refresh_token_reused)",
        code,
      };
    case "refresh_token_expired":
      return { kind: "needs-relogin", reason: "the refresh token has expired (refresh_token_expired)" };
    case "refresh_token_invalidated":
    case "refresh_token_revoked":
      return { kind: "needs-relogin", reason: `the refresh token was revoked (${code})` };
    case "invalid_grant":
      return { kind: "needs-relogin", reason: "the refresh token was refused (invalid_grant)" };
  }
  if (status === 401) {
    return {
      kind: "needs-relogin",
      reason: `the token endpoint refused the login (401${code ? ` ${code}` : ""})`,
    };
  }
  return { kind: "failed", reason: `the token endpoint answered ${status}${code ? ` (${code})` : ""}` };
}

function freshTokens(auth: CodexAuthDoc): FreshTokens | null {
  const tokens = authTokens(auth);
  const accessToken = nonEmptyString(tokens?.access_token);
  if (!tokens || !accessToken) return null;
  return {
    accessToken,
    accountId: nonEmptyString(tokens.account_id),
    expiresAt: readTokenClaims(decodeJwtPayload(accessToken)).expiresAt,
  };
}

/** Whether an access token expiring at `expiresAt` is still good at `now` beyond the margin. Pure. */
export function isAccessTokenFresh(
  expiresAt: number | null,
  now: Date,
  marginSeconds = REFRESH_MARGIN_SECONDS,
): boolean {
  return expiresAt !== null && expiresAt * 1000 > now.getTime() + marginSeconds * 1000;
}

/** The auth document after a successful refresh answer: new tokens in, everything else kept. Pure. */
export function applyRefreshAnswer(
  auth: CodexAuthDoc,
  answer: Record<string, unknown>,
  now: Date,
): CodexAuthDoc {
  return { ...auth, tokens: tokensWith(auth, answer), last_refresh: now.toISOString() };
}

async function postRefresh(
  request: RefreshRequest,
  refreshToken: string,
): Promise<
  { kind: "ok"; answer: Record<string, unknown> } | { kind: "refused"; status: number; body: unknown }
> {
  const controller = new AbortController();
  const cancelTimer = later(request.timeoutMs ?? 15_000, () => controller.abort());
  try {
    const response = await request.fetch(request.tokenUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "accept": "application/json",
        ...(request.userAgent ? { "user-agent": request.userAgent } : {}),
      },
      body: JSON.stringify({
        client_id: CODEX_OAUTH_CLIENT_ID,
        grant_type: "refresh_token",
        refresh_reason: request.reason ?? "proactive_expiry",
        refresh_token: refreshToken,
      }),
      signal: controller.signal,
    });
    const raw = await response.text();
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch { /* not JSON: keep the text */ }
    const answer = jsonObject(body);
    if (response.ok && answer !== null && nonEmptyString(answer.access_token)) return { kind: "ok", answer };
    return { kind: "refused", status: response.ok ? 502 : response.status, body };
  } finally {
    cancelTimer();
  }
}

/** Refreshes (or adopts) the tokens of one account home under Codex's auth lock. Never throws for HTTP trouble. */
export async function refreshAccountTokens(request: RefreshRequest): Promise<RefreshOutcome> {
  try {
    return await withAuthFileLock(request.authPath, async (write) => {
      const read = await readAuthFile(request.authPath);
      if (read.kind === "missing") return { kind: "needs-relogin", reason: "there is no auth.json" };
      if (read.kind === "unreadable") return { kind: "failed", reason: read.reason };
      const onDisk = freshTokens(read.auth);
      if (onDisk) {
        const rotatedElsewhere = request.rejectedAccessToken !== undefined &&
          onDisk.accessToken !== request.rejectedAccessToken;
        const stillFresh = request.rejectedAccessToken === undefined &&
          isAccessTokenFresh(onDisk.expiresAt, request.now());
        if (rotatedElsewhere || stillFresh) return { kind: "adopted", tokens: onDisk };
      }
      const refreshToken = nonEmptyString(authTokens(read.auth)?.refresh_token);
      if (!refreshToken) return { kind: "needs-relogin", reason: "auth.json holds no refresh token" };
      let answer: Awaited<ReturnType<typeof postRefresh>>;
      try {
        answer = await postRefresh(request, refreshToken);
      } catch (error) {
        const aborted = error instanceof DOMException && error.name === "AbortError";
        const reason = aborted
          ? "the token endpoint did not answer in time"
          : `cannot reach the token endpoint (${error instanceof Error ? error.message : String(error)})`;
        return { kind: "failed", reason: redactSecrets(reason) };
      }
      if (answer.kind === "refused") {
        const verdict = classifyRefreshRefusal(answer.status, answer.body);
        return { ...verdict, reason: redactSecrets(verdict.reason) };
      }
      const updated = applyRefreshAnswer(read.auth, answer.answer, request.now());
      await write(updated);
      request.onRotated?.(refreshToken);
      const tokens = freshTokens(updated);
      return tokens
        ? { kind: "refreshed", tokens }
        : { kind: "failed", reason: "the token endpoint answered without an access token" };
    });
  } catch (error) {
    return { kind: "failed", reason: redactSecrets(error instanceof Error ? error.message : String(error)) };
  }
}
