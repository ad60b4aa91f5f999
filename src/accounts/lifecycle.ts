/**
 * @module
 * Renaming and removing accounts: the account directory, its registry entry and its status move together,
 * under the registry lock (and the status lock inside it, never the other way round), each change journaled
 * so that a crash at any step leaves nothing lost (`pending_change.ts`).
 */

import type { CaoHome } from "./cao_home.ts";
import { asideName } from "../fs/json_file.ts";
import { beginChange, endChange, finishRemoval, type PendingChange } from "./pending_change.ts";
import { findAccount, removeAccountEntry, renameAccountEntry, updateRegistry } from "./registry.ts";
import { updateStatusFile } from "./status_store.ts";
import { AccountNotFoundError, UsageError } from "../shared/errors.ts";
import { pathExists } from "../fs/file_probe.ts";

/** Makes `name` the default account. Returns the previous default. */
export async function setDefaultAccount(home: CaoHome, name: string): Promise<string | null> {
  return await updateRegistry(home, (registry) => {
    if (!findAccount(registry, name)) throw new AccountNotFoundError(name);
    const previous = registry.defaultAccount;
    registry.defaultAccount = name;
    return previous;
  });
}

/**
 * Renames an account: its directory, status and registry entry (position and default kept), journaled
 * (`pending_change.ts`) so that a crash at any step is completed or rolled back by the next command.
 */
export async function renameAccount(home: CaoHome, from: string, to: string): Promise<void> {
  await updateRegistry(home, async (registry) => {
    if (!findAccount(registry, from)) throw new AccountNotFoundError(from);
    if (findAccount(registry, to)) {
      throw new UsageError(
        `Cannot rename "${from}" to "${to}": an account named "${to}" exists`,
        "pick another name",
      );
    }
    const target = home.paths.accountDir(to);
    if (await pathExists(target)) {
      throw new UsageError(
        `Cannot rename "${from}" to "${to}": "${target}" already exists`,
        "move that directory away first, or pick another name",
      );
    }
    await beginChange(home, { op: "rename", from, to });
    const source = home.paths.accountDir(from);
    if (await pathExists(source)) await Deno.rename(source, target);
    else await Deno.mkdir(target, { recursive: true, mode: 0o700 });
    home.checkpoint?.("rename:dir-moved");
    await updateStatusFile(home, (file) => {
      if (file.accounts[from]) {
        file.accounts[to] = file.accounts[from];
        delete file.accounts[from];
      }
    });
    home.checkpoint?.("rename:status-moved");
    renameAccountEntry(registry, from, to);
  }, afterCommit(home, "rename"));
}

/** The journal ends once the registry is written (a crash just before is completed by the next command). */
function afterCommit(home: CaoHome, op: string): () => Promise<void> {
  return async () => {
    home.checkpoint?.(`${op}:registry-written`);
    await endChange(home);
  };
}

/** The outcome of a removal. */
export interface RemoveResult {
  /** The default account afterwards. */
  newDefault: string | null;
  /** Whether the default moved because the removed account was the default. */
  defaultChanged: boolean;
  /** Where the files are when they were kept. */
  keptFilesAt: string | null;
  /** How many conversation files (rollouts) were moved into `sessionsTo` before the home was deleted. */
  sessionsMoved: number;
}

/** Options for {@link removeAccount}. */
export interface RemoveOptions {
  /** Keep the whole home on disk (moved aside) instead of deleting it. */
  keepFiles: boolean;
  /** Where the account's `sessions/` go before its home is deleted (the user's own Codex home), or null. */
  sessionsTo: string | null;
}

/**
 * Removes an account from the registry and status. Its home is deleted unless `keepFiles`; before that, its
 * conversations (`sessions/`) are moved to `sessionsTo` so that no history is lost with the login. Journaled:
 * the home is first moved aside in one rename, and only deleted after the registry no longer names it.
 */
export async function removeAccount(
  home: CaoHome,
  name: string,
  options: RemoveOptions,
): Promise<RemoveResult> {
  let change: Extract<PendingChange, { op: "remove" }> | null = null;
  let sessionsMoved = 0;
  const result = await updateRegistry(home, async (registry) => {
    if (!findAccount(registry, name)) throw new AccountNotFoundError(name);
    const wasDefault = registry.defaultAccount === name;
    const dir = home.paths.accountDir(name);
    const parked = (await pathExists(dir)) ? await asideName(dir, home.now(), "removed") : null;
    if (parked !== null) {
      change = { op: "remove", name, parked, keepFiles: options.keepFiles, sessionsTo: options.sessionsTo };
      await beginChange(home, change);
      await Deno.rename(dir, parked);
      home.checkpoint?.("remove:dir-parked");
    }
    await updateStatusFile(home, (file) => {
      delete file.accounts[name];
    });
    home.checkpoint?.("remove:status-removed");
    removeAccountEntry(registry, name);
    return {
      newDefault: registry.defaultAccount,
      defaultChanged: wasDefault,
      keptFilesAt: options.keepFiles ? parked : null,
      sessionsMoved: 0,
    };
  }, async () => {
    if (change === null) return;
    home.checkpoint?.("remove:registry-written");
    sessionsMoved = await finishRemoval(change);
    await endChange(home);
  });
  return { ...result, sessionsMoved };
}
