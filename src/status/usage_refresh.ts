/**
 * @module
 * `cao status --refresh`: asks every logged-in account's usage endpoint at once (each with its own
 * `Authorization` and `ChatGPT-Account-Id`, and a timeout) and records the answers in account_status.json.
 * An access token about to expire is renewed first through the refresher the gateway uses
 * (`codex/login_copies.ts` `refreshWithCopies`: Codex's lock, re-read, adopt, and the copies of a login
 * held in other auth.json files, such as `~/.codex/auth.json` for an imported account, kept in step); a 401
 * gets one renewal and one retry, a 403 is a plain failure. A dead login is recorded as needing a new login,
 * not reported as a failure of cao. {@link refreshUsage} is the whole of `--refresh`: it returns the
 * warnings, the CLI prints them. Never prints.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import type { NotifySink } from "../accounts/notify_sink.ts";
import { recordUsageHistory } from "../accounts/usage_history.ts";
import { type StatusFile, statusOf, updateStatusFile } from "../accounts/status_store.ts";
import { applyUsageReading, markNeedsRelogin } from "../accounts/status_events.ts";
import { type AccountSummary, collectAccountSummaries } from "../codex/account_summary.ts";
import { authTokens, readAuthFile } from "../codex/auth_file.ts";
import { decodeJwtPayload, readTokenClaims } from "../codex/jwt.ts";
import { type FreshTokens, isAccessTokenFresh, refreshTokenUrl } from "../codex/token_refresh.ts";
import { loginCopiesOf, refreshWithCopies } from "../codex/login_copies.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import { VERSION } from "../version.ts";
import { fetchUsageAnswer, type UsageFetch } from "../codex/usage_fetch.ts";
import { chatgptBaseUrl, type UsageAnswer, usageEndpointUrl } from "../codex/usage_response.ts";

/** How to reach the endpoints. */
export interface UsageRefreshOptions {
  fetch: typeof fetch;
  /** The ChatGPT backend base (`chatgptBaseUrl`). */
  baseUrl: string;
  /** The token URL (`refreshTokenUrl`). */
  tokenUrl: string;
  now: () => Date;
  /** Per request. */
  timeoutMs: number;
  /** Sent as `user-agent`. */
  userAgent: string;
  /** Other auth.json files that may hold a copy of a pool login (the user's own `~/.codex/auth.json`). */
  extraAuthPaths?: string[];
  /** Where notifications go (thresholds, usable again, needs a new login). */
  notify?: NotifySink;
}

/** What happened to one account. */
export type UsageRefreshResult =
  | { kind: "updated"; name: string; answer: UsageAnswer; renewed: boolean }
  | { kind: "needs-relogin"; name: string; reason: string }
  | { kind: "skipped"; name: string; reason: string }
  | { kind: "failed"; name: string; reason: string };

/** One look at the usage endpoint with `tokens`; a timeout is said with its length. */
async function fetchUsage(
  tokens: FreshTokens,
  options: UsageRefreshOptions,
): Promise<Exclude<UsageFetch, { kind: "timeout" }>> {
  const fetched = await fetchUsageAnswer({
    fetch: options.fetch,
    url: usageEndpointUrl(options.baseUrl),
    accessToken: tokens.accessToken,
    accountId: tokens.accountId,
    userAgent: options.userAgent,
    accept: "*/*",
    timeoutMs: options.timeoutMs,
    now: options.now,
  });
  if (fetched.kind !== "timeout") return fetched;
  return { kind: "failed", reason: `the usage endpoint did not answer within ${options.timeoutMs / 1000}s` };
}

/** Refreshes one account's usage (without recording it); `copies` as `refreshWithCopies` takes them. */
async function refreshAccountUsage(
  home: CaoHome,
  summary: AccountSummary,
  options: UsageRefreshOptions,
  copies: string[] = [],
): Promise<UsageRefreshResult> {
  const name = summary.name;
  if (summary.login.state !== "logged-in") {
    return { kind: "skipped", name, reason: summary.login.problem ?? "not logged in" };
  }
  const authPath = home.paths.authFile(name);
  const read = await readAuthFile(authPath);
  const accessToken = read.kind === "ok" ? authTokens(read.auth)?.access_token : undefined;
  if (read.kind !== "ok" || typeof accessToken !== "string") {
    return { kind: "skipped", name, reason: "auth.json changed while reading it" };
  }
  const rawAccountId = authTokens(read.auth)?.account_id;
  let tokens: FreshTokens = {
    accessToken,
    accountId: typeof rawAccountId === "string" && rawAccountId.length > 0 ? rawAccountId : null,
    expiresAt: readTokenClaims(decodeJwtPayload(accessToken)).expiresAt,
  };
  let renewed = false;
  const renew = async (rejected?: string): Promise<UsageRefreshResult | null> => {
    const outcome = await refreshWithCopies({
      authPath,
      fetch: options.fetch,
      tokenUrl: options.tokenUrl,
      now: options.now,
      reason: rejected === undefined ? "proactive_expiry" : "unauthorized_recovery",
      rejectedAccessToken: rejected,
      timeoutMs: options.timeoutMs,
      userAgent: options.userAgent,
    }, copies);
    if (outcome.kind === "needs-relogin") return { kind: "needs-relogin", name, reason: outcome.reason };
    if (outcome.kind === "failed") {
      return { kind: "failed", name, reason: `cannot renew the login: ${outcome.reason}` };
    }
    tokens = outcome.tokens;
    renewed ||= outcome.kind === "refreshed";
    return null;
  };

  if (tokens.expiresAt !== null && !isAccessTokenFresh(tokens.expiresAt, options.now())) {
    const stop = await renew();
    if (stop) return stop;
  }
  let fetched = await fetchUsage(tokens, options);
  if (fetched.kind === "unauthorized") {
    const stop = await renew(tokens.accessToken);
    if (stop) return stop;
    fetched = await fetchUsage(tokens, options);
    if (fetched.kind === "unauthorized") {
      return { kind: "failed", name, reason: "the usage endpoint refused the renewed login (401)" };
    }
  }
  if (fetched.kind === "failed") return { kind: "failed", name, reason: fetched.reason };
  return { kind: "updated", name, answer: fetched.answer, renewed };
}

/** Who records `--refresh` readings (`cooldownSource`, `cooldownCleared.by`). */
export const REFRESH_BY = "cao status --refresh";

/**
 * Records refresh results in a status file: usage windows; a cooldown until the reset when the limit is
 * reached; an active cooldown cleared when the endpoint shows room (an early reset, recorded as
 * `cooldownCleared`); needs-re-login for dead logins (cleared after a successful renewal). Returns the
 * accounts whose cooldown it cleared. Pure mutation.
 */
export function applyUsageResults(file: StatusFile, results: UsageRefreshResult[], now: Date): string[] {
  const cleared: string[] = [];
  for (const result of results) {
    if (result.kind === "needs-relogin") markNeedsRelogin(statusOf(file, result.name), result.reason);
    if (result.kind !== "updated") continue;
    const status = statusOf(file, result.name);
    if (result.renewed) {
      status.needsRelogin = false;
      status.needsReloginReason = null;
    }
    if (applyUsageReading(status, result.answer, now, REFRESH_BY) === "cleared") cleared.push(result.name);
  }
  return cleared;
}

/** Refreshes every account concurrently and records the answers under the status lock. */
async function refreshAllUsage(
  home: CaoHome,
  summaries: AccountSummary[],
  options: UsageRefreshOptions,
): Promise<UsageRefreshResult[]> {
  const paths = summaries.map((summary) => home.paths.authFile(summary.name));
  const copies = await loginCopiesOf(paths, options.extraAuthPaths ?? []);
  const results = await Promise.all(
    summaries.map((summary, i) => refreshAccountUsage(home, summary, options, copies.get(paths[i]) ?? [])),
  );
  let cleared: { name: string; until: string }[] = [];
  if (results.some((r) => r.kind === "updated" || r.kind === "needs-relogin")) {
    cleared = await updateStatusFile(home, (file) =>
      applyUsageResults(file, results, options.now())
        .map((name) => ({
          name,
          until: file.accounts[name].cooldownCleared?.until ?? options.now().toISOString(),
        })));
  }
  await tellAndKeep(home, results, cleared, options.notify);
  return results;
}

/** Hands the readings to the usage history and the notifier (a failure here never fails the refresh). */
async function tellAndKeep(
  home: CaoHome,
  results: UsageRefreshResult[],
  cleared: { name: string; until: string }[],
  notify: NotifySink | undefined,
): Promise<void> {
  const readings = results.flatMap((r) =>
    r.kind === "updated" ? [{ account: r.name, usage: r.answer.usage }] : []
  );
  for (const { account, usage } of readings) notify?.observeUsage(account, usage);
  for (const r of results) {
    if (r.kind === "needs-relogin") notify?.emit({ kind: "needs-login", account: r.name, reason: r.reason });
  }
  for (const { name, until } of cleared) {
    notify?.emit({
      kind: "usable-again",
      account: name,
      why: "usage-room",
      until: Math.floor(Date.parse(until) / 1000),
    });
  }
  await recordUsageHistory(home, readings).catch((error) =>
    home.warn(`cannot write usage_history.json: ${(error as Error).message}`)
  );
}

/** What `--refresh` needs from the caller. */
export interface RefreshIo {
  home: CaoHome;
  /** The user's own CODEX_HOME, whose auth.json may hold a copy of a pool login. */
  userCodexHome: string;
  deps: { fetch: typeof fetch; env(name: string): string | undefined; now(): Date };
  notify?: NotifySink;
}

/**
 * Asks every account's usage endpoint (each request within `timeoutSeconds`) and records the answers;
 * returns one warning per account whose usage could not be refreshed, for the caller to print.
 */
export async function refreshUsage(io: RefreshIo, timeoutSeconds: number): Promise<string[]> {
  const summaries = await collectAccountSummaries(io.home);
  const results = await refreshAllUsage(io.home, summaries, {
    fetch: io.deps.fetch,
    baseUrl: chatgptBaseUrl(io.deps.env),
    tokenUrl: refreshTokenUrl(io.deps.env),
    now: io.deps.now,
    timeoutMs: timeoutSeconds * 1000,
    userAgent: `cao/${VERSION}`,
    extraAuthPaths: [codexHomePaths(io.userCodexHome).authFile],
    notify: io.notify,
  });
  return results.flatMap((result) =>
    result.kind === "failed" ? [`cannot refresh the usage of "${result.name}": ${result.reason}`] : []
  );
}
