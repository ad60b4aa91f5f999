/**
 * @module
 * The pool's access tokens, held in memory and renewed by the gateway as the one owner of each login. A
 * token valid beyond the refresh margin is used as is (no I/O on the request path); otherwise one refresh per
 * account runs at a time in this process (every concurrent request waits for it), and across cao processes
 * `refreshAccountTokens` holds `auth.lock` for the whole refresh and adopts what someone else already rotated.
 * Codex does not hold that lock while it refreshes (CODEX_FACTS §8): the Codex that cao starts sends its
 * refreshes here ({@link Credentials.renewFor}), and a refusal as `refresh_token_reused` waits for the other
 * holder's write and adopts it (`refreshWithCopies`); a login rewritten with working tokens by someone else is
 * reported by {@link Credentials.takeChanged}, so that a stale "needs re-login" is cleared. A login
 * whose refresh token sits in other files too (see `login_copies.ts`) is renewed early and the copies are
 * kept in step. Logins are re-read when their auth.json changes on disk (e.g. after `cao add <name>`).
 */

import { codexAuthProblem, readAuthFile } from "../codex/auth_file.ts";
import { isAccessTokenFresh, REFRESH_MARGIN_SECONDS, type RefreshReason } from "../codex/token_refresh.ts";
import {
  type LoginFacts,
  loginFacts,
  refreshWithCopies,
  sharedRefreshTokens,
} from "../codex/login_copies.ts";

/** A usable identity, or why there is none. */
export type TokenResult =
  | { kind: "ok"; accessToken: string; accountId: string | null }
  | { kind: "needs-relogin"; reason: string }
  | { kind: "failed"; reason: string };

/** Options of {@link Credentials}. */
export interface CredentialsOptions {
  fetch: typeof fetch;
  tokenUrl: string;
  now: () => Date;
  /** The auth.json of an account. */
  authPath(name: string): string;
  /** Other auth.json files that may hold a copy of a pool login (the user's own `~/.codex/auth.json`). */
  extraPaths?: string[];
  /** Renew logins that have copies this long before expiry (default 1 h), ahead of any other holder. */
  sharedMarginSeconds?: number;
  /** After a `refresh_token_reused`, how long to wait for the other holder's write (default 5000 ms). */
  adoptWaitMs?: number;
}

interface Entry {
  facts: LoginFacts;
  accountId: string | null;
  usable: boolean;
  mtime: number | null;
}

async function mtimeOf(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? null;
  } catch {
    return null;
  }
}

/** The gateway's view of every pool login. */
export class Credentials {
  readonly #options: CredentialsOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<TokenResult>>();
  readonly #forcedAt = new Map<string, number>();
  /** Refresh tokens this gateway rotated away from, by account (in memory only). */
  readonly #superseded = new Map<string, string>();
  #copies = new Map<string, string[]>();
  /** Accounts whose auth.json another process rewrote with other tokens since the last look. */
  readonly #changed = new Set<string>();
  /** Refreshes this process performed (tests, status). */
  refreshes = 0;

  constructor(options: CredentialsOptions) {
    this.#options = options;
  }

  /** Whether `name` has a usable login. */
  canLogIn(name: string): boolean {
    return this.#entries.get(name)?.usable ?? false;
  }

  /** Account names whose refresh token is shared with other files. */
  get sharedLogins(): string[] {
    return [...this.#copies.keys()];
  }

  /** Re-reads the logins of `names` whose auth.json changed, and recomputes the copies. */
  async reload(names: string[]): Promise<void> {
    for (const name of [...this.#entries.keys()]) if (!names.includes(name)) this.#entries.delete(name);
    // The pool's logins and the other copies (the user's own) are read at once.
    const [, others] = await Promise.all([
      Promise.all(names.map(async (name) => {
        const path = this.#options.authPath(name);
        // The stat comes first: a write after it shows as a newer mtime on the next look.
        const mtime = await mtimeOf(path);
        const known = this.#entries.get(name);
        if (known && known.mtime === mtime && mtime !== null) return;
        await this.#load(name, path, mtime);
        const now = this.#entries.get(name);
        if (known && now?.usable && now.facts.refreshToken !== known.facts.refreshToken) {
          this.#changed.add(name);
        }
      })),
      Promise.all((this.#options.extraPaths ?? []).map(async (path) => {
        const read = await readAuthFile(path);
        return read.kind === "ok" ? loginFacts(path, read.auth) : null;
      })),
    ]);
    const extra = others.filter((f): f is LoginFacts => f !== null);
    const all = [...[...this.#entries.values()].map((e) => e.facts), ...extra];
    const groups = sharedRefreshTokens(all);
    this.#copies = new Map();
    for (const [name, entry] of this.#entries) {
      const group = groups.find((paths) => paths.includes(entry.facts.path));
      if (group) this.#copies.set(name, group.filter((p) => p !== entry.facts.path));
    }
  }

  /** The token to use for `name` now, renewing it first when it is about to expire. */
  tokenFor(name: string): Promise<TokenResult> | TokenResult {
    const entry = this.#entries.get(name);
    if (!entry || !entry.usable || entry.facts.accessToken === null) {
      return { kind: "needs-relogin", reason: "the account is not logged in" };
    }
    const margin = this.#copies.has(name)
      ? (this.#options.sharedMarginSeconds ?? 3600)
      : REFRESH_MARGIN_SECONDS;
    if (isAccessTokenFresh(entry.facts.expiresAt, this.#options.now(), margin)) {
      return { kind: "ok", accessToken: entry.facts.accessToken, accountId: entry.accountId };
    }
    const now = this.#options.now();
    if (isAccessTokenFresh(entry.facts.expiresAt, now, REFRESH_MARGIN_SECONDS)) {
      // A shared login, renewed early so that no other holder needs to; at most once per 10 minutes.
      const last = this.#forcedAt.get(name) ?? 0;
      if (now.getTime() - last < 10 * 60 * 1000) {
        return { kind: "ok", accessToken: entry.facts.accessToken, accountId: entry.accountId };
      }
      this.#forcedAt.set(name, now.getTime());
      return this.#refresh(name, "proactive_expiry", entry.facts.accessToken);
    }
    return this.#refresh(name, "proactive_expiry");
  }

  /**
   * Accounts whose login another process replaced with other usable tokens since the last call (a new
   * `cao add`, a Codex's own refresh): a "needs re-login" mark on them is stale.
   */
  takeChanged(): string[] {
    const names = [...this.#changed];
    this.#changed.clear();
    return names;
  }

  /** The current refresh token of `name` (in memory), or null. Never print it. */
  refreshTokenOf(name: string): string | null {
    return this.#entries.get(name)?.facts.refreshToken ?? null;
  }

  /**
   * A Codex that cao routed here asks to refresh `name` with `presented` (CODEX_FACTS §4.3). A spent
   * (superseded) token gets the current tokens, renewed first if they are about to expire. The current token
   * means Codex found its access token stale or refused: the gateway renews it unless it is still good for
   * twice the margin (then Codex only lags behind the file). Either way this process stays the one refresher.
   */
  renewFor(name: string, presented: string, reason: RefreshReason): Promise<TokenResult> | TokenResult {
    const entry = this.#entries.get(name);
    if (!entry || entry.facts.refreshToken !== presented || entry.facts.accessToken === null) {
      return this.tokenFor(name);
    }
    const fresh = reason !== "unauthorized_recovery" &&
      isAccessTokenFresh(entry.facts.expiresAt, this.#options.now(), 2 * REFRESH_MARGIN_SECONDS);
    if (fresh) return { kind: "ok", accessToken: entry.facts.accessToken, accountId: entry.accountId };
    return this.#refresh(name, reason, entry.facts.accessToken);
  }

  /** The upstream refused `rejectedAccessToken` (401): adopt a newer token or refresh. */
  recoverUnauthorized(name: string, rejectedAccessToken: string): Promise<TokenResult> {
    return this.#refresh(name, "unauthorized_recovery", rejectedAccessToken);
  }

  /** The account whose current (or a superseded) refresh token is `refreshToken`, if any. */
  accountWithRefreshToken(refreshToken: string): string | null {
    for (const [name, entry] of this.#entries) if (entry.facts.refreshToken === refreshToken) return name;
    return this.#superseded.get(refreshToken) ?? null;
  }

  /** The tokens of `name` as on disk now (for answering a Codex refresh routed to the gateway). */
  async currentTokens(name: string): Promise<Record<string, unknown> | null> {
    const read = await readAuthFile(this.#options.authPath(name));
    return read.kind === "ok" ? (read.auth.tokens as Record<string, unknown> | undefined) ?? null : null;
  }

  #refresh(name: string, reason: RefreshReason, rejected?: string): Promise<TokenResult> {
    const running = this.#inflight.get(name);
    if (running) return running;
    const task = this.#doRefresh(name, reason, rejected).finally(() => this.#inflight.delete(name));
    this.#inflight.set(name, task);
    return task;
  }

  async #doRefresh(name: string, reason: RefreshReason, rejected?: string): Promise<TokenResult> {
    const path = this.#options.authPath(name);
    const before = this.#entries.get(name)?.facts.refreshToken ?? null;
    const copies = this.#copies.get(name) ?? [];
    const outcome = await refreshWithCopies({
      authPath: path,
      fetch: this.#options.fetch,
      tokenUrl: this.#options.tokenUrl,
      now: this.#options.now,
      reason,
      rejectedAccessToken: rejected,
      adoptWaitMs: this.#options.adoptWaitMs,
    }, copies);
    if (outcome.kind === "refreshed") this.refreshes++;
    await this.#load(name, path, await mtimeOf(path));
    const after = this.#entries.get(name)?.facts.refreshToken ?? null;
    if (before !== null && after !== null && before !== after) this.#superseded.set(before, name);
    if (outcome.kind === "needs-relogin" || outcome.kind === "failed") return outcome;
    return { kind: "ok", accessToken: outcome.tokens.accessToken, accountId: outcome.tokens.accountId };
  }

  async #load(name: string, path: string, mtime: number | null): Promise<void> {
    const read = await readAuthFile(path);
    if (read.kind !== "ok") {
      this.#entries.delete(name);
      return;
    }
    const facts = loginFacts(path, read.auth);
    const tokens = read.auth.tokens as Record<string, unknown> | undefined;
    const accountId = typeof tokens?.account_id === "string" && tokens.account_id.length > 0
      ? tokens.account_id
      : null;
    this.#entries.set(name, { facts, accountId, usable: codexAuthProblem(read.auth) === null, mtime });
  }
}
