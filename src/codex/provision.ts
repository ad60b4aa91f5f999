/**
 * @module
 * Creating (or refreshing) an account home: its directory (0700), its config.toml synced from the user's
 * Codex config with cao's required keys, and its registry entry (the first account becomes the default).
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { ensureCaoHome } from "../accounts/cao_home.ts";
import { ensurePrivateDir, repairMode } from "../fs/permissions.ts";
import { removeStaleTemps } from "../fs/stale_temps.ts";
import { addAccountEntry, findAccount, updateRegistry } from "../accounts/registry.ts";
import { beginChange, endChange } from "../accounts/pending_change.ts";
import { syncAccountConfig } from "./account_config.ts";
import { syncCodexSetup } from "./codex_setup.ts";
import { codexHomePaths } from "./codex_home_paths.ts";

/** The outcome of provisioning. */
export interface ProvisionResult {
  /** True when the account was new to the registry. */
  added: boolean;
  /** True when it is the default account afterwards. */
  isDefault: boolean;
}

/**
 * Syncs an existing account's config and the rest of the user's Codex setup (`codex_setup.ts`: instructions,
 * profiles, skills, rules, hooks, …) into its home, reporting problems through `home.warn`.
 */
export async function refreshAccountHome(home: CaoHome, name: string, userCodexHome: string): Promise<void> {
  const dir = home.paths.accountDir(name);
  await ensurePrivateDir(dir, home.warn);
  await removeStaleTemps(dir, home.now());
  await repairMode(home.paths.authFile(name), 0o600, home.warn);
  const sync = await syncAccountConfig(dir, codexHomePaths(userCodexHome).configFile, home.now());
  for (const warning of sync.warnings) home.warn(warning);
  const setup = await syncCodexSetup(dir, userCodexHome, home.now());
  for (const warning of setup.warnings) home.warn(warning);
  for (const path of setup.shadowed) {
    home.warn(
      `"${path}" is this account's own, so yours in "${userCodexHome}" does not apply there (remove it to share yours)`,
    );
  }
}

/** Options for {@link provisionAccount}. */
export interface ProvisionOptions {
  /** Fills the new home before it is registered (import: writes its auth.json). */
  fill?: () => Promise<void>;
  /** What the change is called when a crash interrupts it ("add", "import"). */
  label?: string;
}

/**
 * Creates the account's home and config and registers it (idempotent for an existing account). A new
 * account is journaled (`accounts/pending_change.ts`): its home is made and filled first and registered
 * last, so a crash leaves either nothing registered (rolled back, re-running works) or the whole account.
 */
export async function provisionAccount(
  home: CaoHome,
  name: string,
  userCodexHome: string,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  await ensureCaoHome(home);
  let journaled = false;
  return await updateRegistry(home, async (registry) => {
    const added = findAccount(registry, name) === undefined;
    if (added) {
      await beginChange(home, {
        op: "adopt",
        name,
        needsAuth: options.fill !== undefined,
        label: options.label ?? "add",
      });
      journaled = true;
    }
    await refreshAccountHome(home, name, userCodexHome);
    home.checkpoint?.("adopt:home-ready");
    if (options.fill) {
      await options.fill();
      home.checkpoint?.("adopt:auth-written");
    }
    addAccountEntry(registry, name, home.now());
    return { added, isDefault: registry.defaultAccount === name };
  }, async () => {
    if (!journaled) return;
    home.checkpoint?.("adopt:registry-written");
    await endChange(home);
  });
}
