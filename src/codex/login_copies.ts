/**
 * @module
 * Copies of one login in several auth.json files (an account imported from `~/.codex/auth.json`, or one
 * login registered twice). Refresh tokens are single-use (CODEX_FACTS §4.3), so two holders of one token
 * invalidate each other. The gateway keeps exactly one owner: it is the one that refreshes, and after a
 * refresh it writes the rotated tokens into every file that still held the old refresh token, under that
 * file's own Codex locks (`auth.lock`, then `auth.json.lock`). When its own token turns out to be spent, it
 * adopts a newer rotation another holder wrote. {@link refreshWithCopies} is that refresh, shared by the
 * gateway and `cao status --refresh`. Nothing here returns or prints a token except to the caller.
 */

import { nonEmptyString } from "../shared/json_value.ts";
import { authTokens, type CodexAuthDoc, readAuthFile, tokensWith, withAuthFileLock } from "./auth_file.ts";
import { decodeJwtPayload, readTokenClaims } from "./jwt.ts";
import { pollUntil } from "../shared/wait.ts";
import { refreshAccountTokens, type RefreshOutcome, type RefreshRequest } from "./token_refresh.ts";

/** What the gateway needs to know about one auth.json. */
export interface LoginFacts {
  path: string;
  refreshToken: string | null;
  accessToken: string | null;
  /** `account_id` plus user id: the same ChatGPT login, whatever its token generation. */
  identity: string | null;
  /** Access token expiry, epoch seconds. */
  expiresAt: number | null;
  lastRefresh: string | null;
}

/** Facts of a parsed auth document. Pure. */
export function loginFacts(path: string, auth: CodexAuthDoc): LoginFacts {
  const tokens = authTokens(auth) ?? {};
  const idClaims = readTokenClaims(decodeJwtPayload(nonEmptyString(tokens.id_token) ?? ""));
  const accessToken = nonEmptyString(tokens.access_token);
  const accountId = nonEmptyString(tokens.account_id) ?? idClaims.accountId;
  const user = idClaims.userId ?? idClaims.email;
  return {
    path,
    refreshToken: nonEmptyString(tokens.refresh_token),
    accessToken,
    identity: accountId !== null ? `${accountId}|${user ?? ""}` : null,
    expiresAt: readTokenClaims(decodeJwtPayload(accessToken ?? "")).expiresAt,
    lastRefresh: nonEmptyString(auth.last_refresh),
  };
}

/** Reads the facts of `path`, or null when it is missing or unreadable. */
async function readLoginFacts(path: string): Promise<LoginFacts | null> {
  const read = await readAuthFile(path);
  return read.kind === "ok" ? loginFacts(path, read.auth) : null;
}

/** Groups of paths holding the same refresh token (only groups of two or more). Pure. */
export function sharedRefreshTokens(facts: LoginFacts[]): string[][] {
  const byToken = new Map<string, string[]>();
  for (const f of facts) {
    if (f.refreshToken === null) continue;
    byToken.set(f.refreshToken, [...(byToken.get(f.refreshToken) ?? []), f.path]);
  }
  return [...byToken.values()].filter((paths) => paths.length > 1);
}

/**
 * Writes `source`'s tokens into each of `copies` that still holds `oldRefreshToken` (others changed hands and
 * are left alone). Returns the paths updated.
 */
async function syncLoginCopies(
  source: CodexAuthDoc,
  oldRefreshToken: string,
  copies: string[],
): Promise<string[]> {
  const updated: string[] = [];
  const fresh = authTokens(source) ?? {};
  for (const path of copies) {
    try {
      const done = await withAuthFileLock(path, async (write) => {
        const read = await readAuthFile(path);
        if (read.kind !== "ok" || nonEmptyString(authTokens(read.auth)?.refresh_token) !== oldRefreshToken) {
          return false;
        }
        await write({
          ...read.auth,
          tokens: tokensWith(read.auth, fresh),
          last_refresh: source.last_refresh ?? read.auth.last_refresh,
        });
        return true;
      });
      if (done) updated.push(path);
    } catch { /* a copy that cannot be written is left as it is */ }
  }
  return updated;
}

/**
 * When `own` (whose refresh token was refused) has a same-login copy rotated later by someone else, writes
 * that copy's tokens into `own` and returns true.
 */
async function adoptNewerCopy(ownPath: string, candidates: string[]): Promise<boolean> {
  const own = await readLoginFacts(ownPath);
  if (!own || own.identity === null) return false;
  for (const path of candidates) {
    const copy = await readLoginFacts(path);
    if (!copy || copy.identity !== own.identity || copy.refreshToken === null) continue;
    if (copy.refreshToken === own.refreshToken) continue;
    if ((copy.lastRefresh ?? "") <= (own.lastRefresh ?? "")) continue;
    const read = await readAuthFile(path);
    if (read.kind !== "ok") continue;
    const adopted = await withAuthFileLock(ownPath, async (write) => {
      const current = await readAuthFile(ownPath);
      if (current.kind !== "ok") return false;
      const tokens = tokensWith(current.auth, authTokens(read.auth) ?? {});
      await write({ ...current.auth, tokens, last_refresh: read.auth.last_refresh });
      return true;
    });
    if (adopted) return true;
  }
  return false;
}

/** Whether `path` now holds a refresh token other than `spent` (another holder rotated the login). */
async function rotatedSince(path: string, spent: string | null): Promise<boolean> {
  const facts = await readLoginFacts(path);
  return facts !== null && facts.refreshToken !== null && facts.accessToken !== null &&
    facts.refreshToken !== spent;
}

/**
 * Refreshes (or adopts) one login like `refreshAccountTokens`, keeping its `copies` (other auth.json files
 * that held the same refresh token) in step: when its own refresh token turns out to be spent, a newer
 * rotation found in a copy is adopted and the refresh tried again; after a rotation, every copy still
 * holding the spent refresh token gets the new tokens.
 *
 * A `refresh_token_reused` refusal means another holder spent the token first — a Codex refreshing without
 * any lock (CODEX_FACTS §8), which writes only once its own answer came. So the login is not given up at once:
 * for up to `adoptWaitMs` the file and its copies are watched (without holding any lock, so that the other
 * writer can take Codex's `auth.lock`), and what the other holder wrote is adopted under the lock. Only a
 * login whose files never change is reported dead.
 */
export async function refreshWithCopies(request: RefreshRequest, copies: string[]): Promise<RefreshOutcome> {
  const before = (await readLoginFacts(request.authPath))?.refreshToken ?? null;
  let spent: string | null = null;
  const attempt = (r: RefreshRequest) =>
    refreshAccountTokens({
      ...r,
      onRotated: (token) => {
        spent = token;
        r.onRotated?.(token);
      },
    });
  let outcome = await attempt(request);
  if (
    outcome.kind === "needs-relogin" && copies.length > 0 && await adoptNewerCopy(request.authPath, copies)
  ) {
    outcome = await attempt({ ...request, rejectedAccessToken: undefined });
  }
  if (outcome.kind === "needs-relogin" && outcome.code === "refresh_token_reused") {
    const adopted = await pollUntil(async () => {
      if (await rotatedSince(request.authPath, before)) return true;
      return copies.length > 0 && await adoptNewerCopy(request.authPath, copies) ? true : undefined;
    }, { timeoutMs: request.adoptWaitMs ?? 5000, intervalMs: 50 });
    if (adopted) outcome = await attempt({ ...request, rejectedAccessToken: undefined });
  }
  if (outcome.kind === "refreshed" && spent !== null && copies.length > 0) {
    const read = await readAuthFile(request.authPath);
    if (read.kind === "ok") await syncLoginCopies(read.auth, spent, copies);
  }
  return outcome;
}

/**
 * For each of `paths`, the other files of `paths` and `extraPaths` that hold the same refresh token (only
 * paths that have copies appear). Reads every file once.
 */
export async function loginCopiesOf(paths: string[], extraPaths: string[]): Promise<Map<string, string[]>> {
  const facts = (await Promise.all([...new Set([...paths, ...extraPaths])].map(readLoginFacts)))
    .filter((f): f is LoginFacts => f !== null);
  const groups = sharedRefreshTokens(facts);
  const copies = new Map<string, string[]>();
  for (const path of paths) {
    const group = groups.find((g) => g.includes(path));
    if (group) copies.set(path, group.filter((p) => p !== path));
  }
  return copies;
}
