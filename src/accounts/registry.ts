/**
 * @module
 * `registry.json`: which accounts exist, in which order, and which is the default. Parsing and the edits are
 * pure; {@link loadRegistry} (which never changes the file), {@link updateRegistry} (under an exclusive lock,
 * so that concurrent cao processes and the gateway never lose each other's updates) and `cao doctor`'s
 * {@link repairRegistry} are the only I/O.
 *
 * On-disk format (schemaVersion 1):
 * ```json
 * { "schemaVersion": 1, "defaultAccount": "work",
 *   "accounts": [ { "name": "work", "addedAt": "2026-11-21T14:00:00.000Z" } ] }
 * ```
 */

import { jsonObject } from "../shared/json_value.ts";
import { accountNameProblem } from "./account_name.ts";
import { isSeedRegistry, registryDocFromSeed } from "./seed_format.ts";
import type { CaoHome } from "./cao_home.ts";
import { updateLocked } from "./locked_update.ts";
import { finishPendingChange, journalPath } from "./pending_change.ts";
import { writeJsonAtomic } from "../fs/atomic_write.ts";
import { asRegistryWriter, holdsExclusive, withSharedLock } from "./registry_lock.ts";
import { pathExists } from "../fs/file_probe.ts";
import { moveAside, peekJsonFile, readJsonFile, reportDamagedOnce } from "../fs/json_file.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { DataFileError } from "../shared/errors.ts";

/** The registry schema version this build reads and writes. */
export const REGISTRY_SCHEMA_VERSION = 1;

/** One registered account. */
export interface RegistryAccount {
  /** The account name: also the name of its directory (its CODEX_HOME) under the cao home. */
  name: string;
  /** When it was added, ISO 8601. */
  addedAt: string;
  /** Per-account reserve: new work avoids this account above this percent used (null: no reserve). */
  reservePercent?: number | null;
  /** Unknown fields written by newer versions are kept. */
  [extra: string]: unknown;
}

/** The whole registry file. */
export interface Registry {
  /** Format version; a file with a newer version is refused rather than rewritten. */
  schemaVersion: number;
  /** The account `cao run` starts on and new gateway conversations prefer; null when there are none. */
  defaultAccount: string | null;
  /** Accounts in fallback order. */
  accounts: RegistryAccount[];
}

/** A registry with no accounts. */
export function emptyRegistry(): Registry {
  return { schemaVersion: REGISTRY_SCHEMA_VERSION, defaultAccount: null, accounts: [] };
}

/** Validates a parsed registry document (CAO 1.4.2's too); returns the registry or why it is unusable. Pure. */
export function parseRegistry(
  value: unknown,
): { kind: "ok"; registry: Registry } | { kind: "invalid"; reason: string } {
  if (isSeedRegistry(value)) value = registryDocFromSeed(value);
  const doc = jsonObject(value);
  if (doc === null) return { kind: "invalid", reason: "it is not a JSON object" };
  const version = doc.schemaVersion;
  if (typeof version !== "number") return { kind: "invalid", reason: "schemaVersion is missing" };
  if (!Array.isArray(doc.accounts)) return { kind: "invalid", reason: "accounts is not a list" };
  const accounts: RegistryAccount[] = [];
  const seen = new Set<string>();
  for (const entry of doc.accounts) {
    if (!entry || typeof entry !== "object") {
      return { kind: "invalid", reason: "an account entry is not an object" };
    }
    const account = entry as Record<string, unknown>;
    const name = account.name;
    if (typeof name !== "string" || accountNameProblem(name) !== null) {
      return { kind: "invalid", reason: `account name ${JSON.stringify(name)} is not valid` };
    }
    if (seen.has(name)) return { kind: "invalid", reason: `account "${name}" is listed twice` };
    seen.add(name);
    accounts.push({ ...account, name, addedAt: typeof account.addedAt === "string" ? account.addedAt : "" });
  }
  const defaultAccount = typeof doc.defaultAccount === "string" && seen.has(doc.defaultAccount)
    ? doc.defaultAccount
    : (accounts[0]?.name ?? null);
  return { kind: "ok", registry: { schemaVersion: version, defaultAccount, accounts } };
}

/** Looks up an account by name. Pure. */
export function findAccount(registry: Registry, name: string): RegistryAccount | undefined {
  return registry.accounts.find((account) => account.name === name);
}

/** Adds `name` at the end; the first account becomes the default. Returns false when it already exists. */
export function addAccountEntry(registry: Registry, name: string, now: Date): boolean {
  if (findAccount(registry, name)) return false;
  registry.accounts.push({ name, addedAt: now.toISOString() });
  if (registry.defaultAccount === null) registry.defaultAccount = name;
  return true;
}

/** Removes `name`; when it was the default, the next account in order (or the previous) becomes the default. */
export function removeAccountEntry(registry: Registry, name: string): boolean {
  const index = registry.accounts.findIndex((account) => account.name === name);
  if (index < 0) return false;
  registry.accounts.splice(index, 1);
  if (registry.defaultAccount === name) {
    const next = registry.accounts[index] ?? registry.accounts[index - 1];
    registry.defaultAccount = next?.name ?? null;
  }
  return true;
}

/** Renames an entry in place, keeping its position and default mark. */
export function renameAccountEntry(registry: Registry, from: string, to: string): boolean {
  const account = findAccount(registry, from);
  if (!account || findAccount(registry, to)) return false;
  account.name = to;
  if (registry.defaultAccount === from) registry.defaultAccount = to;
  return true;
}

/**
 * Reads registry.json. A writer (`forWrite`, under the lock) moves an unparsable file aside and writes back a
 * registry rebuilt from the account directories; a reader rebuilds it only in memory and leaves the file.
 */
async function readRegistryFile(home: CaoHome, forWrite: boolean): Promise<Registry> {
  const path = home.paths.registry;
  const read = forWrite ? await readJsonFile(path, home.now()) : await peekJsonFile(path);
  if (read.kind === "missing") return emptyRegistry();
  if (read.kind === "corrupt") {
    const rebuilt = await recoverRegistry(home);
    if (!("movedTo" in read)) {
      reportDamagedOnce(
        home.warn,
        path,
        `could not be parsed (${read.reason})`,
        `read from the account directories instead (${rebuilt.accounts.length} found)`,
      );
      return rebuilt;
    }
    await writeJsonAtomic(path, { ...rebuilt, schemaVersion: REGISTRY_SCHEMA_VERSION }); // under the lock
    home.warn(
      `registry.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}" and the registry ` +
        `was rebuilt from the account directories (${rebuilt.accounts.length} found) and written back`,
    );
    return rebuilt;
  }
  const parsed = parseRegistry(read.value);
  if (parsed.kind === "invalid") {
    throw new DataFileError(path, `Cannot read registry "${path}": ${parsed.reason}`, {
      hint:
        'fix the file by hand, or run "cao doctor" to move it aside and rebuild it from the account directories',
    });
  }
  if (parsed.registry.schemaVersion > REGISTRY_SCHEMA_VERSION) {
    throw new DataFileError(
      path,
      `Cannot read registry "${path}": schema version ${parsed.registry.schemaVersion} is newer than this cao understands`,
      { hint: "upgrade cao" },
    );
  }
  return parsed.registry;
}

/**
 * `cao doctor`'s repair: a registry.json that cannot be used (unparsable, or not a registry) is moved aside and
 * one rebuilt from the account directories is written in its place, under the lock. Returns what was done, or
 * null when the file is fine (or missing). A registry from a newer cao is left alone.
 */
export async function repairRegistry(home: CaoHome): Promise<string | null> {
  const path = home.paths.registry;
  const problem = async () => {
    const read = await peekJsonFile(path);
    if (read.kind === "corrupt") return `could not be parsed (${read.reason})`;
    const parsed = read.kind === "ok" ? parseRegistry(read.value) : null;
    return parsed?.kind === "invalid" ? `is unusable (${parsed.reason})` : null;
  };
  if ((await problem()) === null) return null;
  return await underExclusiveLock(home, () =>
    withFileLock(`${path}.lock`, async () => {
      const why = await problem();
      if (why === null) return null;
      const movedTo = await moveAside(path, home.now());
      const rebuilt = await recoverRegistry(home);
      await writeJsonAtomic(path, { ...rebuilt, schemaVersion: REGISTRY_SCHEMA_VERSION });
      return `registry.json ${why}; it was moved to "${movedTo}" and rebuilt from the account directories ` +
        `(${rebuilt.accounts.length} found)`;
    }));
}

/** Rebuilds a registry from the account directories present in the home (those holding a config or a login). */
export async function recoverRegistry(home: CaoHome): Promise<Registry> {
  const registry = emptyRegistry();
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(home.paths.root)) {
      if (!entry.isDirectory || accountNameProblem(entry.name) !== null) continue;
      const hasAccountFile = await Promise.any([
        Deno.stat(home.paths.configFile(entry.name)),
        Deno.stat(home.paths.authFile(entry.name)),
      ]).then(() => true, () => false);
      if (hasAccountFile) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const name of names.sort()) addAccountEntry(registry, name, home.now());
  return registry;
}

/** The account names in a registry file, read synchronously for shell completion; [] when unreadable. */
export function readAccountNamesSync(registryPath: string): string[] {
  try {
    const parsed = parseRegistry(JSON.parse(Deno.readTextFileSync(registryPath)));
    return parsed.kind === "ok" ? parsed.registry.accounts.map((account) => account.name) : [];
  } catch {
    return [];
  }
}

/**
 * Reads the registry (an empty one when the file does not exist yet), changing nothing: an unparsable file is
 * reported and read from the account directories. Read-only callers need no lock.
 */
export async function loadRegistry(home: CaoHome): Promise<Registry> {
  return await readRegistryFile(home, false);
}

/**
 * Runs `read` under a shared registry lock (`registry_lock.ts`), so that it never sees a multi-step change half
 * done (every change holds the exclusive lock from its first step to its last). A read inside a change runs at
 * once; one in another flow of the process waits for the change, as one in another process does.
 */
export async function withRegistryReadLock<T>(home: CaoHome, read: () => Promise<T>): Promise<T> {
  return await withSharedLock(`${home.paths.registry}.lock`, read);
}

const document = (home: CaoHome, afterWrite?: () => Promise<void>) => ({
  path: home.paths.registry,
  read: () => readRegistryFile(home, true),
  toJson: (registry: Registry) => ({ ...registry, schemaVersion: REGISTRY_SCHEMA_VERSION }),
  afterWrite,
});

async function underExclusiveLock<T>(home: CaoHome, action: () => Promise<T>): Promise<T> {
  return await asRegistryWriter(`${home.paths.registry}.lock`, action);
}

function holdsRegistry(home: CaoHome): boolean {
  return holdsExclusive(`${home.paths.registry}.lock`);
}

/**
 * Completes or rolls back a multi-step change a crash interrupted (`pending_change.ts`), saying which through
 * `home.warn`. Every registry writer calls it first; so does every command's preflight.
 */
export async function settlePendingChange(home: CaoHome): Promise<void> {
  if (!(await pathExists(journalPath(home)))) return;
  let after: (() => Promise<void>) | undefined;
  await underExclusiveLock(
    home,
    () =>
      updateLocked(home, document(home, () => after?.() ?? Promise.resolve()), async (registry) => {
        const done = await finishPendingChange(home, registry);
        if (done !== null) {
          home.warn(done.text);
          after = done.afterWrite;
        }
      }),
  );
}

/**
 * Reads, edits and writes the registry under the registry lock. `edit` mutates the registry it is given and
 * returns a result; the file is rewritten only when the content changed; `afterCommit` runs after the write,
 * still under the lock (a multi-step change ends its journal there).
 */
export async function updateRegistry<T>(
  home: CaoHome,
  edit: (registry: Registry) => T | Promise<T>,
  afterCommit?: () => Promise<void>,
): Promise<T> {
  if (!holdsRegistry(home)) await settlePendingChange(home);
  return await underExclusiveLock(home, () => updateLocked(home, document(home, afterCommit), edit));
}
