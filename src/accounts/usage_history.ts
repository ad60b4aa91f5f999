/**
 * @module
 * `usage_history.json`: the usage windows cao observed per account over time (see `usage_samples.ts` for the
 * samples and the rules that keep the file small). Written under its lock, atomically, pruned to the
 * retention on every write; a file that cannot be parsed is moved aside by a writer and the history starts
 * afresh. Reading never blocks a command and never changes the file: any problem gives an empty history and a
 * warning.
 *
 * On-disk format (schemaVersion 1, compact JSON):
 * ```json
 * { "schemaVersion": 1, "retentionDays": 30,
 *   "accounts": { "work": { "primary": [ { "at": 1795000000, "usedPercent": 42, "windowMinutes": 300,
 *     "resetsAt": 1795010000, "source": "headers" } ], "secondary": [] } } }
 * ```
 */

import { jsonObject } from "../shared/json_value.ts";
import type { CaoHome } from "./cao_home.ts";
import { updateLocked } from "./locked_update.ts";
import type { UsageSnapshot } from "./status_store.ts";
import {
  addSnapshot,
  emptyUsageHistory,
  HISTORY_SCHEMA_VERSION,
  isRetentionDays,
  parseUsageHistory,
  pruneHistory,
  type UsageHistory,
} from "./usage_samples.ts";
import { moveAside, peekJsonFile, readJsonFile, reportDamagedOnce } from "../fs/json_file.ts";

/** One observation to record: the account and the windows seen. */
export interface HistoryEntry {
  account: string;
  usage: UsageSnapshot;
}

type Read = { kind: "ok"; history: UsageHistory } | { kind: "newer"; version: number };

/** Why a parsed usage history cannot be used as is, or null. Pure. */
export function usageHistoryProblem(value: unknown): string | null {
  const doc = jsonObject(value);
  if (doc === null) return "it is not a JSON object";
  if (doc.accounts !== undefined && jsonObject(doc.accounts) === null) {
    return "accounts is not an object";
  }
  return null;
}

/** Reads the history; a writer (`forWrite`) moves a damaged file aside, a reader only says so (once). */
async function readHistory(home: CaoHome, forWrite: boolean): Promise<Read> {
  const path = home.paths.usageHistory;
  const read = forWrite ? await readJsonFile(path, home.now()) : await peekJsonFile(path);
  if (read.kind === "missing") return { kind: "ok", history: emptyUsageHistory() };
  if (read.kind === "corrupt") {
    if (!("movedTo" in read)) {
      reportDamagedOnce(home.warn, path, `could not be parsed (${read.reason})`, "read as empty");
      return { kind: "ok", history: emptyUsageHistory() };
    }
    home.warn(
      `usage_history.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}" and the ` +
        `history starts afresh`,
    );
    return { kind: "ok", history: emptyUsageHistory() };
  }
  const problem = usageHistoryProblem(read.value);
  if (problem !== null) {
    if (!forWrite) {
      reportDamagedOnce(home.warn, path, `is unusable (${problem})`, "read as empty");
      return { kind: "ok", history: emptyUsageHistory() };
    }
    const movedTo = await moveAside(path, home.now());
    home.warn(
      `usage_history.json is unusable (${problem}); it was moved to "${movedTo}" and the history starts afresh`,
    );
    return { kind: "ok", history: emptyUsageHistory() };
  }
  const version = (read.value as Record<string, unknown>).schemaVersion;
  if (typeof version === "number" && version > HISTORY_SCHEMA_VERSION) return { kind: "newer", version };
  return { kind: "ok", history: parseUsageHistory(read.value) };
}

/** Reads the usage history; empty (with a warning) when it is missing, damaged, newer or unreadable. */
export async function loadUsageHistory(home: CaoHome): Promise<UsageHistory> {
  try {
    const read = await readHistory(home, false);
    if (read.kind === "ok") return read.history;
    home.warn(
      `usage_history.json has schema version ${read.version}, newer than this cao understands; not shown`,
    );
  } catch (error) {
    home.warn(`cannot read usage_history.json: ${(error as Error).message}`);
  }
  return emptyUsageHistory();
}

/**
 * Reads, edits, prunes and writes the history under its lock (rewritten only when it changed). A history
 * written by a newer cao is left alone: `edit` is not called and false is returned.
 */
export async function updateUsageHistory(
  home: CaoHome,
  edit: (history: UsageHistory) => void,
): Promise<boolean> {
  return await updateLocked(home, {
    path: home.paths.usageHistory,
    read: () => readHistory(home, true),
    // A newer file's stand-in never changes, so it is never written.
    toJson: (read) => read.kind === "ok" ? read.history : read,
    write: "changed",
    layout: "compact",
  }, (read) => {
    if (read.kind === "newer") return false;
    edit(read.history);
    pruneHistory(read.history, Math.floor(home.now().getTime() / 1000));
    return true;
  });
}

/** Appends observations (coalesced per account, window and minute) and prunes. */
export async function recordUsageHistory(home: CaoHome, entries: HistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await updateUsageHistory(home, (history) => {
    for (const entry of entries) addSnapshot(history, entry.account, entry.usage);
  });
}

/** Sets the retention (whole days, 1-730) and prunes to it. Throws a RangeError on a bad value. */
export async function setHistoryRetention(home: CaoHome, days: number): Promise<void> {
  if (!isRetentionDays(days)) throw new RangeError(`${days} is not a whole number of days from 1 to 730`);
  await updateUsageHistory(home, (history) => void (history.retentionDays = days));
}
