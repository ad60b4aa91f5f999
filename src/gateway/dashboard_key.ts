/**
 * @module
 * `dashboard.json`: the dashboard's **read key**, a third key beside the gateway's control and proxy keys
 * (`settings.ts`). It only reads: whoever holds it can see the dashboard and nothing else. It never leaves
 * the file: `cao dashboard` derives one-time tickets from it for the URL it opens, and the server derives the
 * session cookie from it (`dashboard_auth.ts`), so neither a URL, a command line nor the page holds it.
 * Written once, 0600, atomically under its lock; a looser mode is tightened by the next `cao dashboard`.
 *
 * On-disk format (schemaVersion 1):
 * ```json
 * { "schemaVersion": 1, "readKey": "sk-cao-read-…" }
 * ```
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { updateLocked } from "../accounts/locked_update.ts";
import { readJsonFile } from "../fs/json_file.ts";
import { repairMode } from "../fs/permissions.ts";

/** The dashboard.json schema version this build writes. */
export const DASHBOARD_KEY_SCHEMA_VERSION = 1;

/** A new random read key (`sk-` keeps it redacted wherever it might be printed). */
export function newReadKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return "sk-cao-read-" +
    btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The read key inside a parsed dashboard.json, or null when it holds none usable. Pure. */
export function readKeyOf(value: unknown): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const key = (value as Record<string, unknown>).readKey;
  return typeof key === "string" && key.length >= 24 ? key : null;
}

async function readKeyFile(home: CaoHome): Promise<string | null> {
  const read = await readJsonFile(home.paths.dashboardKey, home.now());
  if (read.kind === "corrupt") {
    home.warn(`dashboard.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}"`);
  }
  return read.kind === "ok" ? readKeyOf(read.value) : null;
}

/** The saved read key, or null when none was made yet or it cannot be read (nothing is written). */
export async function readDashboardKey(home: CaoHome): Promise<string | null> {
  try {
    return await readKeyFile(home);
  } catch {
    return null;
  }
}

/** The read key, made and saved (0600) on first use. */
export async function ensureDashboardKey(home: CaoHome): Promise<string> {
  const path = home.paths.dashboardKey;
  return await updateLocked(home, {
    path,
    read: async () => ({ key: await readKeyFile(home), json: null as unknown }),
    // Only a new key is written: the document, whatever else it holds, is then replaced whole.
    toJson: (doc) => doc.json,
    write: "changed",
  }, async (doc) => {
    if (doc.key !== null) {
      await repairMode(path, 0o600, home.warn);
      return doc.key;
    }
    const readKey = newReadKey();
    doc.json = { schemaVersion: DASHBOARD_KEY_SCHEMA_VERSION, readKey };
    return readKey;
  });
}
