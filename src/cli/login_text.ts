/**
 * @module
 * One-line descriptions of a login (email, plan, expiry) shared by the account commands. Pure.
 */

import type { LoginSummary } from "../codex/auth_file.ts";

/** `a@b.c (plus)`, or what is known. */
export function describeLogin(login: LoginSummary): string {
  const who = login.email ?? login.accountId ?? "unknown ChatGPT account";
  return login.plan ? `${who} (${login.plan})` : who;
}

/** The login state as one word for tables. */
export function loginStateLabel(login: LoginSummary): string {
  switch (login.state) {
    case "logged-in":
      return "logged in";
    case "api-key":
      return "api key";
    case "unreadable":
      return "unreadable";
    default:
      return "not logged in";
  }
}
