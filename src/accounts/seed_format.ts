/**
 * @module
 * The files of CAO 1.4.2 (npm `codex-account-orchestrator`, "the seed"), which used the same folder
 * (`~/.codex-account-orchestrator/`), read as cao's own: `registry.json` `{"default_account": "work",
 * "accounts": ["work", "personal"]}` and `account_status.json` `{"statuses": {"work": {"lastAttemptAtMs",
 * "lastSuccessAtMs", "lastQuotaAtMs", "cooldownUntilMs", "consecutiveFailures", "lastError"}}}` (epoch
 * milliseconds). Recognising and converting them is pure; the migration that rewrites the files (with
 * backups) is `cli/seed_migration.ts`.
 */

import { jsonObject } from "../shared/json_value.ts";
import { accountNameProblem } from "./account_name.ts";

/** Whether a parsed registry.json is the seed's (a list of names, no schemaVersion). Pure. */
export function isSeedRegistry(value: unknown): boolean {
  const doc = jsonObject(value);
  return doc !== null && doc.schemaVersion === undefined && Array.isArray(doc.accounts) &&
    doc.accounts.every((a) => typeof a === "string") && (doc.accounts.length > 0 || "default_account" in doc);
}

/**
 * The seed registry as a schemaVersion 1 document: names kept in order (trimmed, invalid and repeated ones
 * dropped, as the seed itself did), its default when it is one of them, else the first. Pure.
 */
export function registryDocFromSeed(value: unknown): Record<string, unknown> {
  const doc = jsonObject(value) ?? {};
  const names: string[] = [];
  for (const entry of Array.isArray(doc.accounts) ? doc.accounts : []) {
    const name = typeof entry === "string" ? entry.trim() : "";
    if (name !== "" && accountNameProblem(name) === null && !names.includes(name)) names.push(name);
  }
  const wanted = typeof doc.default_account === "string" ? doc.default_account.trim() : "";
  return {
    schemaVersion: 1,
    defaultAccount: names.includes(wanted) ? wanted : names[0] ?? null,
    accounts: names.map((name) => ({ name, addedAt: "" })),
  };
}

/** Whether a parsed account_status.json is the seed's (`statuses`, no `accounts`). Pure. */
export function isSeedStatusFile(value: unknown): boolean {
  const doc = jsonObject(value);
  return doc !== null && doc.accounts === undefined && jsonObject(doc.statuses) !== null;
}

function isoFromMs(value: unknown): string | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0
    ? new Date(Math.floor(value)).toISOString()
    : null;
}

/** One seed status as cao's fields (the ones the seed had; everything else starts empty). Pure. */
export function accountStatusFromSeed(value: unknown): Record<string, unknown> {
  const s = jsonObject(value) ?? {};
  const failures = typeof s.consecutiveFailures === "number" && s.consecutiveFailures >= 0
    ? Math.floor(s.consecutiveFailures)
    : 0;
  return {
    consecutiveFailures: failures,
    lastAttemptAt: isoFromMs(s.lastAttemptAtMs),
    lastSuccessAt: isoFromMs(s.lastSuccessAtMs),
    lastQuotaHitAt: isoFromMs(s.lastQuotaAtMs),
    cooldownUntil: isoFromMs(s.cooldownUntilMs),
    lastError: typeof s.lastError === "string" && s.lastError.trim() !== "" ? s.lastError.trim() : null,
  };
}

/** The seed status file as a schemaVersion 1 document. Pure. */
export function statusDocFromSeed(value: unknown): Record<string, unknown> {
  const statuses = jsonObject(jsonObject(value)?.statuses) ?? {};
  const accounts: Record<string, unknown> = {};
  for (const [name, status] of Object.entries(statuses)) {
    if (name.trim() !== "") accounts[name.trim()] = accountStatusFromSeed(status);
  }
  return { schemaVersion: 1, accounts };
}
