/**
 * @module
 * The JSON shape of an account in `cao list --json` and `cao current --json` (a documented, stable schema:
 * every time as ISO 8601 plus epoch seconds, nulls for unknowns, never a token). Pure.
 */

import type { AccountStatus } from "../accounts/status_store.ts";
import type { AccountSummary } from "../codex/account_summary.ts";
import { epochToIso } from "../shared/format.ts";

/**
 * `schemaVersion` of `cao list --json` and `cao current --json`: bumped only when a field is renamed or
 * removed (fields are only ever added within a version).
 */
export const ACCOUNTS_JSON_SCHEMA_VERSION = 1;

/** One account in JSON output. */
export interface AccountJson {
  name: string;
  default: boolean;
  position: number;
  loggedIn: boolean;
  loginState: string;
  loginProblem: string | null;
  email: string | null;
  plan: string | null;
  accountId: string | null;
  userId: string | null;
  accessTokenExpiresAt: string | null;
  accessTokenExpiresAtEpoch: number | null;
  hasRefreshToken: boolean;
  lastRefresh: string | null;
  duplicateOf: string[];
  home: string;
  status?: AccountStatus;
}

/** Builds the JSON object for one account; `status` is included with `--details`. */
export function accountJson(summary: AccountSummary, home: string, status?: AccountStatus): AccountJson {
  const login = summary.login;
  return {
    name: summary.name,
    default: summary.isDefault,
    position: summary.position,
    loggedIn: login.state === "logged-in",
    loginState: login.state,
    loginProblem: login.problem,
    email: login.email,
    plan: login.plan,
    accountId: login.accountId,
    userId: login.userId,
    accessTokenExpiresAt: epochToIso(login.accessExpiresAt),
    accessTokenExpiresAtEpoch: login.accessExpiresAt,
    hasRefreshToken: login.hasRefreshToken,
    lastRefresh: login.lastRefresh,
    duplicateOf: summary.duplicateOf,
    home,
    ...(status ? { status } : {}),
  };
}
