/**
 * @module
 * The login state of every registered account, read from each account's auth.json: what `list`, `current`
 * and the status views show. Also spots one ChatGPT account registered under two names.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { loadRegistry, type Registry, withRegistryReadLock } from "../accounts/registry.ts";
import { type LoginSummary, readAuthFile, summarizeAuth } from "./auth_file.ts";

/** One account as listed. */
export interface AccountSummary {
  /** Account name. */
  name: string;
  /** Whether it is the default account. */
  isDefault: boolean;
  /** Position in the fallback order, from 1. */
  position: number;
  /** Its login, without tokens. */
  login: LoginSummary;
  /** Other registered accounts holding the same ChatGPT login (same account and user id). */
  duplicateOf: string[];
}

/** A stable identity for a ChatGPT login: account id plus user id (or email). Pure. */
export function loginIdentity(login: LoginSummary): string | null {
  if (login.accountId === null) return null;
  return `${login.accountId}|${login.userId ?? login.email ?? ""}`;
}

/** Marks accounts that share a login with another one. Pure. */
export function markDuplicates(summaries: AccountSummary[]): AccountSummary[] {
  const byIdentity = new Map<string, string[]>();
  for (const summary of summaries) {
    const identity = loginIdentity(summary.login);
    if (identity === null) continue;
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), summary.name]);
  }
  return summaries.map((summary) => {
    const identity = loginIdentity(summary.login);
    const names = identity === null ? [] : byIdentity.get(identity) ?? [];
    return { ...summary, duplicateOf: names.filter((name) => name !== summary.name) };
  });
}

/** Reads every account's login. */
export async function collectAccountSummaries(home: CaoHome, registry?: Registry): Promise<AccountSummary[]> {
  // Under the shared registry lock, so that a rename or removal under way is never seen half done.
  return await withRegistryReadLock(home, async () => {
    const reg = registry ?? await loadRegistry(home);
    const summaries = await Promise.all(reg.accounts.map(async (account, index) => ({
      name: account.name,
      isDefault: reg.defaultAccount === account.name,
      position: index + 1,
      login: summarizeAuth(await readAuthFile(home.paths.authFile(account.name))),
      duplicateOf: [],
    })));
    return markDuplicates(summaries);
  });
}
