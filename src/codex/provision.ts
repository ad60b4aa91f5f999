/**
 * @module
 * Creating (or refreshing) an account home: its directory (0700), its config.toml synced from the user's
 * Codex config with cao's required keys, and its registry entry (the first account becomes the default).
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { ensureCaoHome } from "../accounts/cao_home.ts";
import { ensurePrivateDir, repairMode } from "../fs/permissions.ts";
import { addAccountEntry, updateRegistry } from "../accounts/registry.ts";
import { syncAccountConfig } from "./account_config.ts";
import { codexHomePaths } from "./codex_home_paths.ts";

/** The outcome of provisioning. */
export interface ProvisionResult {
  /** True when the account was new to the registry. */
  added: boolean;
  /** True when it is the default account afterwards. */
  isDefault: boolean;
}

/** Syncs an existing account's config with the user's config, reporting problems through `home.warn`. */
export async function refreshAccountHome(home: CaoHome, name: string, userCodexHome: string): Promise<void> {
  const dir = home.paths.accountDir(name);
  await ensurePrivateDir(dir, home.warn);
  await repairMode(home.paths.authFile(name), 0o600, home.warn);
  const sync = await syncAccountConfig(dir, codexHomePaths(userCodexHome).configFile, home.now());
  for (const warning of sync.warnings) home.warn(warning);
}

/** Creates the account's home and config and registers it (idempotent for an existing account). */
export async function provisionAccount(
  home: CaoHome,
  name: string,
  userCodexHome: string,
): Promise<ProvisionResult> {
  await ensureCaoHome(home);
  await refreshAccountHome(home, name, userCodexHome);
  return await updateRegistry(home, (registry) => {
    const added = addAccountEntry(registry, name, home.now());
    return { added, isDefault: registry.defaultAccount === name };
  });
}
