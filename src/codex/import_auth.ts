/**
 * @module
 * Adopting logins saved by other tools: the two layouts of tools named codex-auth
 * (`~/.codex/accounts/<name>.json`, and `~/.codex/accounts/<key>.auth.json` with a `registry.json` of aliases
 * beside them) and the current `~/.codex/auth.json`. Finding and naming candidates is pure; adopting writes
 * the auth (0600, every field kept) into a provisioned account home.
 */

import { jsonObject } from "../shared/json_value.ts";
import { basename, join } from "node:path";
import type { CaoHome } from "../accounts/cao_home.ts";
import { accountNameProblem } from "../accounts/account_name.ts";
import { findAccount, loadRegistry } from "../accounts/registry.ts";
import {
  type CodexAuthDoc,
  codexAuthProblem,
  readAuthFile,
  summarizeAuth,
  writeAuthFileLocked,
} from "./auth_file.ts";
import { collectAccountSummaries, loginIdentity } from "./account_summary.ts";
import { provisionAccount } from "./provision.ts";

/** A file found in the source directory. */
export interface ImportCandidate {
  /** The file it came from. */
  file: string;
  /** The account name it would get. */
  name: string;
  /** The parsed document, or null when it could not be parsed. */
  auth: CodexAuthDoc | null;
  /** Why it cannot be imported, or null. */
  problem: string | null;
}

/** What happened to one candidate. */
export interface ImportOutcome {
  file: string;
  name: string;
  result: "imported" | "replaced" | "skipped" | "invalid";
  reason: string | null;
}

/** Turns any label (alias, email, file key) into a valid account name, or null. Pure. */
export function toAccountName(label: string): string | null {
  const cleaned = label.trim().replace(/[^A-Za-z0-9._@-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);
  return cleaned.length > 0 && accountNameProblem(cleaned) === null ? cleaned : null;
}

/** Reads aliases from a codex-auth `registry.json`: file key or account id → alias. Pure. */
export function aliasesFromRegistry(value: unknown): Map<string, string> {
  const aliases = new Map<string, string>();
  const accounts = jsonObject(value)?.accounts;
  const entries: [string | null, unknown][] = Array.isArray(accounts)
    ? accounts.map((entry) => [null, entry])
    : Object.entries(jsonObject(accounts) ?? {});
  for (const [key, entry] of entries) {
    const e = jsonObject(entry);
    if (e === null) continue;
    const alias = [e.alias, e.name, e.label].find((v) => typeof v === "string" && v.length > 0) as
      | string
      | undefined;
    if (!alias) continue;
    for (const id of [key, e.account_key, e.key, e.account_id, e.accountId, e.email]) {
      if (typeof id === "string" && id.length > 0) aliases.set(id, alias);
    }
  }
  return aliases;
}

/** Names a candidate from its file name, the aliases and its claims. Pure. */
export function nameCandidate(
  fileName: string,
  auth: CodexAuthDoc | null,
  aliases: Map<string, string>,
): string | null {
  const isKeyed = fileName.endsWith(".auth.json");
  const stem = isKeyed ? fileName.slice(0, -".auth.json".length) : fileName.replace(/\.json$/, "");
  const login = auth ? summarizeAuth({ kind: "ok", auth }) : null;
  const alias = aliases.get(stem) ?? (login?.accountId ? aliases.get(login.accountId) : undefined) ??
    (login?.email ? aliases.get(login.email) : undefined);
  const label = alias ?? (isKeyed ? login?.email ?? stem : stem);
  return toAccountName(label);
}

/** Lists the importable files of a codex-auth accounts directory (both layouts). */
export async function findImportCandidates(sourceDir: string): Promise<ImportCandidate[]> {
  let aliases = new Map<string, string>();
  try {
    aliases = aliasesFromRegistry(JSON.parse(await Deno.readTextFile(join(sourceDir, "registry.json"))));
  } catch { /* no registry: names come from files and claims */ }
  const files: string[] = [];
  for await (const entry of Deno.readDir(sourceDir)) {
    if (!entry.isFile || !entry.name.endsWith(".json") || entry.name === "registry.json") continue;
    files.push(entry.name);
  }
  const candidates: ImportCandidate[] = [];
  for (const fileName of files.sort()) {
    const file = join(sourceDir, fileName);
    let auth: CodexAuthDoc | null = null;
    let problem: string | null = null;
    try {
      const value = JSON.parse(await Deno.readTextFile(file));
      problem = codexAuthProblem(value);
      auth = problem === null ? value as CodexAuthDoc : null;
    } catch (error) {
      problem = `not valid JSON (${(error as Error).message})`;
    }
    const name = nameCandidate(fileName, auth, aliases) ?? basename(fileName);
    candidates.push({ file, name, auth, problem });
  }
  return candidates;
}

/**
 * Why replacing the login at `path` with `incoming` would break it, or null: the same ChatGPT login already
 * renewed later than the snapshot (its refresh token was rotated since, so the snapshot's is spent).
 */
export async function newerLoginOnDisk(path: string, incoming: CodexAuthDoc): Promise<string | null> {
  const current = await readAuthFile(path);
  if (current.kind !== "ok") return null;
  const before = summarizeAuth(current);
  const after = summarizeAuth({ kind: "ok", auth: incoming });
  if (loginIdentity(before) === null || loginIdentity(before) !== loginIdentity(after)) return null;
  const renewedAt = Date.parse(before.lastRefresh ?? "");
  const snapshotAt = Date.parse(after.lastRefresh ?? "");
  if (Number.isNaN(renewedAt) || (!Number.isNaN(snapshotAt) && snapshotAt >= renewedAt)) return null;
  return "cao's copy of this login was renewed after the snapshot was taken; its refresh token is spent";
}

/** Options for {@link adoptCandidates}. */
export interface AdoptOptions {
  overwrite: boolean;
  userCodexHome: string;
}

/** Imports each valid candidate; existing names are skipped unless `overwrite`. */
export async function adoptCandidates(
  home: CaoHome,
  candidates: ImportCandidate[],
  options: AdoptOptions,
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  const known = new Map<string, string>();
  for (const s of await collectAccountSummaries(home)) {
    const id = loginIdentity(s.login);
    if (id) known.set(id, s.name);
  }
  for (const candidate of candidates) {
    const base = { file: candidate.file, name: candidate.name };
    if (candidate.problem !== null || candidate.auth === null) {
      outcomes.push({ ...base, result: "invalid", reason: candidate.problem ?? "not a Codex login" });
      continue;
    }
    if (accountNameProblem(candidate.name) !== null) {
      outcomes.push({ ...base, result: "invalid", reason: `no usable account name (${candidate.name})` });
      continue;
    }
    const exists = findAccount(await loadRegistry(home), candidate.name) !== undefined;
    const identity = loginIdentity(summarizeAuth({ kind: "ok", auth: candidate.auth }));
    const sameLoginAs = identity ? known.get(identity) : undefined;
    if (exists && !options.overwrite) {
      outcomes.push({
        ...base,
        result: "skipped",
        reason: "an account with this name exists (use --overwrite)",
      });
      continue;
    }
    if (sameLoginAs && sameLoginAs !== candidate.name && !options.overwrite) {
      outcomes.push({
        ...base,
        result: "skipped",
        reason: `the same ChatGPT login is already account "${sameLoginAs}"`,
      });
      continue;
    }
    const stale = exists ? await newerLoginOnDisk(home.paths.authFile(candidate.name), candidate.auth) : null;
    if (stale !== null) {
      outcomes.push({ ...base, result: "skipped", reason: stale });
      continue;
    }
    // The login lands before the account is registered (a crash in between is rolled back), under Codex's own
    // locks for auth.json, so a running codex or the gateway never races us.
    await provisionAccount(home, candidate.name, options.userCodexHome, {
      label: "import",
      fill: () => writeAuthFileLocked(home.paths.authFile(candidate.name), candidate.auth!),
    });
    if (identity) known.set(identity, candidate.name);
    outcomes.push({ ...base, result: exists ? "replaced" : "imported", reason: null });
  }
  return outcomes;
}
