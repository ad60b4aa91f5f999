/**
 * @module
 * Renaming and removing accounts: the account directory, its registry entry and its status move together,
 * under the registry lock (and the status lock inside it, never the other way round).
 */

import type { CaoHome } from "./cao_home.ts";
import { moveAside } from "../fs/json_file.ts";
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

/** Renames an account: its directory, registry entry (position and default kept) and status. */
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
    const source = home.paths.accountDir(from);
    if (await pathExists(source)) await Deno.rename(source, target);
    else await Deno.mkdir(target, { recursive: true, mode: 0o700 });
    renameAccountEntry(registry, from, to);
    await updateStatusFile(home, (file) => {
      if (file.accounts[from]) {
        file.accounts[to] = file.accounts[from];
        delete file.accounts[from];
      }
    });
  });
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
 * Moves every file below `from` to the same relative path below `to`, never replacing an existing file
 * (a session copied there earlier stays as it is). Returns how many files moved.
 */
export async function moveTree(from: string, to: string): Promise<number> {
  let moved = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(from));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  for (const entry of entries) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) {
      moved += await moveTree(source, target);
    } else if (entry.isFile && !(await pathExists(target))) {
      await Deno.mkdir(to, { recursive: true, mode: 0o700 });
      await Deno.rename(source, target).catch(async () => {
        await Deno.copyFile(source, target);
      });
      moved += 1;
    }
  }
  return moved;
}

/**
 * Removes an account from the registry and status. Its home is deleted unless `keepFiles`; before that, its
 * conversations (`sessions/`) are moved to `sessionsTo` so that no history is lost with the login.
 */
export async function removeAccount(
  home: CaoHome,
  name: string,
  options: RemoveOptions,
): Promise<RemoveResult> {
  return await updateRegistry(home, async (registry) => {
    if (!findAccount(registry, name)) throw new AccountNotFoundError(name);
    const wasDefault = registry.defaultAccount === name;
    const dir = home.paths.accountDir(name);
    // Move the directory out of the way first (one atomic rename), so a failure leaves nothing half-deleted.
    const parked = (await pathExists(dir)) ? await moveAside(dir, home.now(), "removed") : null;
    removeAccountEntry(registry, name);
    await updateStatusFile(home, (file) => {
      delete file.accounts[name];
    });
    let sessionsMoved = 0;
    if (parked !== null && !options.keepFiles) {
      if (options.sessionsTo !== null) {
        sessionsMoved = await moveTree(`${parked}/sessions`, options.sessionsTo);
      }
      await Deno.remove(parked, { recursive: true });
    }
    return {
      newDefault: registry.defaultAccount,
      defaultChanged: wasDefault,
      keptFilesAt: options.keepFiles ? parked : null,
      sessionsMoved,
    };
  });
}
