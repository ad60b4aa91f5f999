/**
 * @module
 * Each account's `config.toml`: the user's own Codex settings (`~/.codex/config.toml`: model, MCP servers,
 * profiles, approvals, …) carried in, plus the keys cao needs, which always win. The merge is three-way and
 * pure ({@link mergeAccountConfig}): what the user changed in their file since the last sync is applied,
 * what Codex itself wrote into the account config (e.g. trusted projects) is kept, and what the user removed
 * is removed. {@link syncAccountConfig} is the I/O around it.
 */

import { dirname } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../fs/atomic_write.ts";
import { moveAside } from "../fs/json_file.ts";
import { codexHomePaths } from "./codex_home_paths.ts";
import { parseToml, stringifyToml, type TomlTable } from "../deps/toml.ts";
import { readTextIfExists } from "../fs/file_probe.ts";
import { joinPath } from "../fs/path.ts";

/** The keys cao requires in every account home (CODEX_FACTS §1.7, §4.4). */
export const REQUIRED_ACCOUNT_CONFIG: TomlTable = {
  cli_auth_credentials_store: "file",
  forced_login_method: "chatgpt",
  features: { daemon_auto_start: false },
};

/**
 * Top-level keys of the user's config never carried into an account home: a workspace pin belongs to one
 * login (a mismatch makes Codex delete auth.json, §4.4), and the credential keys are cao's to set.
 */
export const USER_KEYS_NOT_CARRIED = [
  "forced_chatgpt_workspace_id",
  "cli_auth_credentials_store",
  "forced_login_method",
];

const HEADER =
  "# Managed by cao: your settings from the user's Codex config.toml are merged in on every run,\n" +
  "# and cao's required keys win. Edits made here to other keys are kept.\n";

function isTable(value: unknown): value is TomlTable {
  return !!value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Three-way merge of one table level. `base` is the user config at the last sync. Pure. */
function mergeLevel(base: TomlTable, user: TomlTable, account: TomlTable): TomlTable {
  const result: TomlTable = { ...account };
  const keys = new Set([...Object.keys(base), ...Object.keys(user)]);
  for (const key of keys) {
    const inUser = Object.hasOwn(user, key);
    if (inUser && isTable(user[key]) && isTable(result[key])) {
      result[key] = mergeLevel(isTable(base[key]) ? base[key] : {}, user[key], result[key]);
      continue;
    }
    if (deepEqual(user[key], base[key]) && Object.hasOwn(base, key) === inUser) continue; // unchanged by user
    if (inUser) result[key] = structuredClone(user[key]);
    else if (deepEqual(result[key], base[key])) delete result[key]; // removed by the user, untouched here
  }
  return result;
}

function applyRequired(table: TomlTable, required: TomlTable): TomlTable {
  const result: TomlTable = { ...table };
  for (const [key, value] of Object.entries(required)) {
    result[key] = isTable(value) ? applyRequired(isTable(result[key]) ? result[key] : {}, value) : value;
  }
  return result;
}

/**
 * Whether a base URL routes Codex through a cao gateway: an http(s) URL with the `/k/sk-cao-gw-` key path, on
 * loopback or on the address of a gateway bound beyond it. Such a value, written by `cao gateway enable`, must
 * not reach account homes: `cao run` there would go through the gateway with the account's own refresh
 * token, and print the key's URL into every account config. Pure.
 */
export function isCaoGatewayUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") &&
      url.pathname.startsWith("/k/sk-cao-gw-");
  } catch {
    return false;
  }
}

/** Drops the keys that must not be carried from the user's config. Pure. */
export function userConfigForAccounts(user: TomlTable): TomlTable {
  const result = { ...user };
  for (const key of USER_KEYS_NOT_CARRIED) delete result[key];
  for (const key of ["openai_base_url", "chatgpt_base_url"]) {
    if (isCaoGatewayUrl(result[key])) delete result[key];
  }
  const providers = result.model_providers;
  if (isTable(providers)) {
    const kept = Object.fromEntries(
      Object.entries(providers).filter(([, p]) => !(isTable(p) && isCaoGatewayUrl(p.base_url))),
    );
    if (Object.keys(kept).length !== Object.keys(providers).length) {
      result.model_providers = kept;
      if (typeof result.model_provider === "string" && !(result.model_provider in kept)) {
        delete result.model_provider;
      }
    }
  }
  return result;
}

/**
 * The user's hook trust, moved to the account home. Codex keys a hook's trust by the path of the file that
 * declares it (`[hooks.state."<home>/hooks.json:<event>:<group>:<handler>"] trusted_hash = "sha256:…"`, the
 * hash does not depend on the path), so the trust the user gave in `~/.codex` must name the account's
 * `hooks.json` (a link to the user's) and `config.toml` to count there. Pure.
 */
export function withHookTrustFor(user: TomlTable, userCodexHome: string, accountDir: string): TomlTable {
  const hooks = user.hooks;
  if (!isTable(hooks) || !isTable(hooks.state)) return user;
  const from = userCodexHome.replace(/\/+$/, "");
  const state: TomlTable = {};
  for (const [key, value] of Object.entries(hooks.state)) {
    const file = ["hooks.json", "config.toml"].find((f) => key.startsWith(`${from}/${f}:`));
    state[file ? `${accountDir}/${file}${key.slice(`${from}/${file}`.length)}` : key] = value;
  }
  return { ...user, hooks: { ...hooks, state } };
}

/**
 * The account config after a sync: `account` updated with what changed in `user` since `base`, then cao's
 * required keys on top. Pure.
 */
export function mergeAccountConfig(base: TomlTable, user: TomlTable, account: TomlTable): TomlTable {
  return applyRequired(mergeLevel(base, user, account), REQUIRED_ACCOUNT_CONFIG);
}

/** Which required keys a parsed account config lacks or has wrong (for doctor). Pure. */
export function missingRequiredKeys(
  account: TomlTable,
  required: TomlTable = REQUIRED_ACCOUNT_CONFIG,
  prefix = "",
): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(required)) {
    const path = prefix + key;
    if (isTable(value)) {
      missing.push(...missingRequiredKeys(isTable(account[key]) ? account[key] : {}, value, `${path}.`));
    } else if (account[key] !== value) missing.push(path);
  }
  return missing;
}

/** The outcome of a sync, for the caller to report. */
export interface ConfigSyncResult {
  /** Whether the account config.toml was (re)written. */
  written: boolean;
  /** Warnings (unreadable files moved aside or skipped). */
  warnings: string[];
}

/**
 * Brings `<accountDir>/config.toml` up to date with the user's config at `userConfigPath`. An account config
 * that is not valid TOML is moved aside; a user config that is not valid TOML is not carried (with a warning).
 */
export async function syncAccountConfig(
  accountDir: string,
  userConfigPath: string,
  now: Date,
  fileName = "config.toml",
): Promise<ConfigSyncResult> {
  const warnings: string[] = [];
  const paths = codexHomePaths(accountDir);
  // Profiles (`<name>.config.toml`) are merged the same way, each with a base of its own.
  const configPath = fileName === "config.toml" ? paths.configFile : joinPath(accountDir, fileName);
  const basePath = fileName === "config.toml"
    ? paths.syncBase
    : joinPath(accountDir, `.cao-user-${fileName}.json`);

  let user: TomlTable | null = {};
  const userText = await readTextIfExists(userConfigPath);
  if (userText !== null) {
    try {
      user = withHookTrustFor(
        userConfigForAccounts(parseToml(userText)),
        dirname(userConfigPath),
        accountDir,
      );
    } catch (error) {
      user = null;
      warnings.push(
        `Cannot read "${userConfigPath}": ${
          (error as Error).message.split("\n")[0]
        }; your settings were not carried ` +
          `into the account config`,
      );
    }
  }

  let account: TomlTable = {};
  let accountUsable = false;
  const accountText = await readTextIfExists(configPath);
  if (accountText !== null) {
    try {
      account = parseToml(accountText);
      accountUsable = true;
    } catch (error) {
      const movedTo = await moveAside(configPath, now);
      warnings.push(
        `"${configPath}" was not valid TOML (${
          (error as Error).message.split("\n")[0]
        }); moved to "${movedTo}"`,
      );
    }
  }

  // The base only means something next to the account config it was merged into.
  let base: TomlTable = {};
  const baseText = accountUsable ? await readTextIfExists(basePath) : null;
  if (baseText !== null) {
    try {
      const parsed = JSON.parse(baseText);
      if (isTable(parsed)) base = parsed;
    } catch { /* a damaged base only means a plain two-way merge */ }
  }

  const merged = user === null
    ? applyRequired(account, REQUIRED_ACCOUNT_CONFIG)
    : mergeAccountConfig(base, user, account);
  const changed = accountText === null || !deepEqual(merged, account);
  if (changed) {
    await Deno.mkdir(dirname(configPath), { recursive: true, mode: 0o700 });
    await writeFileAtomic(configPath, HEADER + stringifyToml(merged) + "\n", { mode: 0o600 });
  }
  if (user !== null && !deepEqual(user, base)) await writeJsonAtomic(basePath, user, { mode: 0o600 });
  return { written: changed, warnings };
}
