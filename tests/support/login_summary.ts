/**
 * @module
 * A `LoginSummary` for tests of the pure views: logged in with a refresh token, nothing else known, unless
 * `fields` says otherwise. Test-only.
 */

import type { LoginSummary } from "../../src/codex/auth_file.ts";

/** A logged-in summary with `fields` over the defaults. */
export function loginSummary(fields: Partial<LoginSummary> = {}): LoginSummary {
  return {
    state: "logged-in",
    problem: null,
    email: null,
    plan: null,
    accountId: null,
    userId: null,
    accessExpiresAt: null,
    hasRefreshToken: true,
    lastRefresh: null,
    ...fields,
  };
}
