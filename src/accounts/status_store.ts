/**
 * @module
 * `account_status.json`: what cao has learned about each account (attempts, successes, failures, cooldowns,
 * usage windows, the last error). Parsing is pure and tolerant (unknown fields kept, bad fields reset);
 * {@link updateStatusFile} is the only writer, under an exclusive lock.
 *
 * On-disk format (schemaVersion 1):
 * ```json
 * { "schemaVersion": 1, "accounts": { "work": { "attempts": 3, "successes": 2, …see AccountStatus… } } }
 * ```
 */

import { jsonObject } from "../shared/json_value.ts";
import type { CaoHome } from "./cao_home.ts";
import { isSeedStatusFile, statusDocFromSeed } from "./seed_format.ts";
import { updateLocked } from "./locked_update.ts";
import { moveAside, peekJsonFile, readJsonFile, reportDamagedOnce } from "../fs/json_file.ts";
import { DataFileError } from "../shared/errors.ts";
import { redactSecrets } from "../shared/redact.ts";

/** The status schema version this build writes. */
export const STATUS_SCHEMA_VERSION = 1;

/** One usage window (the 5-hour "primary" or the weekly "secondary"), as Codex reports it. */
export interface UsageWindow {
  /** Percent of the window used, 0-100. */
  usedPercent: number;
  /** Length of the window in minutes (300 = 5 hours, 10080 = a week), null when unknown. */
  windowMinutes: number | null;
  /** When the window resets, epoch seconds, null when unknown. */
  resetsAt: number | null;
}

/**
 * The usage windows last seen for an account (one reading; as recorded, the windows of the readings so far:
 * a window the latest reading lacked is kept from an earlier one, see `mergeUsage` in status_events.ts).
 */
export interface UsageSnapshot {
  /** The short (5-hour) window. */
  primary: UsageWindow | null;
  /** The long (weekly) window. */
  secondary: UsageWindow | null;
  /** When this reading (as recorded: the latest one) was observed, ISO 8601. */
  observedAt: string;
  /**
   * Where it (as recorded: the latest) came from: "rollout" (cao run), "headers" (gateway), "usage-endpoint"
   * (status --refresh).
   */
  source: string;
}

/**
 * Why a cooldown ended: the usage endpoint showed room (`usage-room`), someone cleared it (`by-hand`), its
 * reset passed (`reset-passed`), or the account answered a request normally after its reset (`answered`).
 */
export type CooldownClearReason = "usage-room" | "by-hand" | "reset-passed" | "answered";

/** The record of a cooldown that ended. */
export interface CooldownClear {
  /** When it was cleared, ISO 8601. */
  at: string;
  why: CooldownClearReason;
  /** Which process cleared it: `gateway (pid 4242)`, `cao status --refresh`, `cao cooldown clear`, `cao run`. */
  by: string;
  /** The end it had, ISO 8601. */
  until: string;
}

/** Everything cao records about one account. Times are ISO 8601 strings; null means never/unknown. */
export interface AccountStatus {
  /** Runs or requests started on this account. */
  attempts: number;
  /** Runs or requests that completed normally. */
  successes: number;
  /** Runs or requests that failed for a reason other than a usage limit (total). */
  failures: number;
  /** Failures since the last success (doctor warns past a threshold). */
  consecutiveFailures: number;
  /** When the last attempt started. */
  lastAttemptAt: string | null;
  /** When the last success ended. */
  lastSuccessAt: string | null;
  /** When the last failure happened. */
  lastFailureAt: string | null;
  /** When the account last hit its usage limit. */
  lastQuotaHitAt: string | null;
  /** Until when the account is cooling down after a usage limit (null: available). */
  cooldownUntil: string | null;
  /** Why the cooldown was set, one line, redacted (e.g. `usage limit (usage_limit_reached)`); null: none. */
  cooldownReason: string | null;
  /** Who set it from which answer (e.g. `gateway (pid 4242): 429 from the upstream`); null: unknown. */
  cooldownSource: string | null;
  /** How the last cooldown ended or was cleared, null when none was. */
  cooldownCleared: CooldownClear | null;
  /** The last error, one line, redacted. */
  lastError: string | null;
  /** The usage windows last seen. */
  usage: UsageSnapshot | null;
  /** Set when a token refresh was refused (reused, expired, revoked): the account needs `cao add <name>`. */
  needsRelogin: boolean;
  /** Why it needs a new login. */
  needsReloginReason: string | null;
  /** Unknown fields written by newer versions are kept. */
  [extra: string]: unknown;
}

/** The whole status file. */
export interface StatusFile {
  /** Format version; a file with a newer version is refused rather than rewritten. */
  schemaVersion: number;
  /** Unknown top-level fields written by newer versions are kept. */
  [extra: string]: unknown;
  /** Status per account name. */
  accounts: Record<string, AccountStatus>;
}

/** A fresh status for an account that has never run. */
export function emptyAccountStatus(): AccountStatus {
  return {
    attempts: 0,
    successes: 0,
    failures: 0,
    consecutiveFailures: 0,
    lastAttemptAt: null,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastQuotaHitAt: null,
    cooldownUntil: null,
    cooldownReason: null,
    cooldownSource: null,
    cooldownCleared: null,
    lastError: null,
    usage: null,
    needsRelogin: false,
    needsReloginReason: null,
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

function isoOrNull(value: unknown): string | null {
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? value : null;
}

const CLEAR_REASONS: ReadonlySet<string> = new Set(["usage-room", "by-hand", "reset-passed", "answered"]);

function parseCleared(value: unknown): CooldownClear | null {
  const c = jsonObject(value);
  if (c === null) return null;
  const at = isoOrNull(c.at);
  const until = isoOrNull(c.until);
  if (at === null || until === null || typeof c.why !== "string" || !CLEAR_REASONS.has(c.why)) return null;
  return { at, why: c.why as CooldownClearReason, by: typeof c.by === "string" ? c.by : "unknown", until };
}

function textOrNull(value: unknown, max: number): string | null {
  return typeof value === "string" ? redactSecrets(value).slice(0, max) : null;
}

function parseWindow(value: unknown): UsageWindow | null {
  const w = jsonObject(value);
  if (w === null) return null;
  if (typeof w.usedPercent !== "number") return null;
  return {
    usedPercent: w.usedPercent,
    windowMinutes: typeof w.windowMinutes === "number" ? w.windowMinutes : null,
    resetsAt: typeof w.resetsAt === "number" ? w.resetsAt : null,
  };
}

function parseUsage(value: unknown): UsageSnapshot | null {
  const u = jsonObject(value);
  if (u === null) return null;
  const observedAt = isoOrNull(u.observedAt);
  if (observedAt === null) return null;
  return {
    primary: parseWindow(u.primary),
    secondary: parseWindow(u.secondary),
    observedAt,
    source: typeof u.source === "string" ? u.source : "unknown",
  };
}

/** Normalises one account's status from a parsed document, keeping unknown fields. Pure. */
export function parseAccountStatus(value: unknown): AccountStatus {
  const raw = jsonObject(value) ?? {};
  return {
    ...raw,
    attempts: count(raw.attempts),
    successes: count(raw.successes),
    failures: count(raw.failures),
    consecutiveFailures: count(raw.consecutiveFailures),
    lastAttemptAt: isoOrNull(raw.lastAttemptAt),
    lastSuccessAt: isoOrNull(raw.lastSuccessAt),
    lastFailureAt: isoOrNull(raw.lastFailureAt),
    lastQuotaHitAt: isoOrNull(raw.lastQuotaHitAt),
    cooldownUntil: isoOrNull(raw.cooldownUntil),
    cooldownReason: textOrNull(raw.cooldownReason, 500),
    cooldownSource: textOrNull(raw.cooldownSource, 300),
    cooldownCleared: parseCleared(raw.cooldownCleared),
    lastError: typeof raw.lastError === "string" ? redactSecrets(raw.lastError) : null,
    usage: parseUsage(raw.usage),
    needsRelogin: raw.needsRelogin === true,
    needsReloginReason: typeof raw.needsReloginReason === "string"
      ? redactSecrets(raw.needsReloginReason)
      : null,
  };
}

/** Why a parsed status document cannot be used as is, or null. Pure. */
export function statusFileProblem(value: unknown): string | null {
  const doc = jsonObject(value);
  if (doc === null) return "it is not a JSON object";
  if (
    doc.accounts !== undefined && jsonObject(doc.accounts) === null
  ) {
    return "accounts is not an object";
  }
  return null;
}

/** Normalises a whole status document (unknown top-level fields kept); anything unusable yields an empty file. Pure. */
export function parseStatusFile(value: unknown): StatusFile {
  if (isSeedStatusFile(value)) value = statusDocFromSeed(value);
  const doc = statusFileProblem(value) === null ? value as Record<string, unknown> : {};
  const accounts: Record<string, AccountStatus> = {};
  const rawAccounts = (doc.accounts ?? {}) as Record<string, unknown>;
  for (const [name, status] of Object.entries(rawAccounts)) accounts[name] = parseAccountStatus(status);
  return { ...doc, schemaVersion: STATUS_SCHEMA_VERSION, accounts };
}

/** The status of `name` in `file`, created empty when missing. */
export function statusOf(file: StatusFile, name: string): AccountStatus {
  file.accounts[name] ??= emptyAccountStatus();
  return file.accounts[name];
}

/**
 * Reads account_status.json. A writer (`forWrite`, under the lock) moves a damaged file aside and starts
 * afresh; a reader starts afresh in memory only and leaves the file (and says so once).
 */
async function readStatusFile(home: CaoHome, forWrite: boolean): Promise<StatusFile> {
  const path = home.paths.status;
  const read = forWrite ? await readJsonFile(path, home.now()) : await peekJsonFile(path);
  if (read.kind === "missing") return parseStatusFile({});
  if (read.kind === "corrupt") {
    if (!("movedTo" in read)) {
      reportDamagedOnce(home.warn, path, `could not be parsed (${read.reason})`, "read as empty");
      return parseStatusFile({});
    }
    home.warn(
      `account_status.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}" and the ` +
        `status starts afresh`,
    );
    return parseStatusFile({});
  }
  const problem = statusFileProblem(read.value);
  const version = (read.value as Record<string, unknown> | null)?.schemaVersion;
  if (problem === null && typeof version === "number" && version > STATUS_SCHEMA_VERSION) {
    throw new DataFileError(
      path,
      `Cannot read "${path}": schema version ${version} is newer than this cao understands`,
      { hint: "upgrade cao" },
    );
  }
  if (problem !== null) {
    if (!forWrite) {
      reportDamagedOnce(home.warn, path, `is unusable (${problem})`, "read as empty");
      return parseStatusFile({});
    }
    const movedTo = await moveAside(path, home.now());
    home.warn(
      `account_status.json is unusable (${problem}); it was moved to "${movedTo}" and the status starts afresh`,
    );
    return parseStatusFile({});
  }
  return parseStatusFile(read.value);
}

/** Reads the status file (empty when missing), changing nothing: a damaged file is reported and read as empty. */
export async function loadStatusFile(home: CaoHome): Promise<StatusFile> {
  return await readStatusFile(home, false);
}

/** Reads, edits and writes the status file under its lock; rewritten only when the content changed. */
export async function updateStatusFile<T>(
  home: CaoHome,
  edit: (file: StatusFile) => T | Promise<T>,
): Promise<T> {
  return await updateLocked(home, {
    path: home.paths.status,
    read: () => readStatusFile(home, true),
    toJson: (f) => f,
  }, edit);
}
