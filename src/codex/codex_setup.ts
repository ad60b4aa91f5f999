/**
 * @module
 * The user's whole Codex setup in every account home, kept in step: what Codex 0.169/0.171 reads from
 * `CODEX_HOME` besides config.toml (checked against the real binaries, see the issue 10 notes) appears in each
 * account home as a symlink to the user's own file or folder, so an edit in `~/.codex` applies everywhere at
 * once: `AGENTS.md`, `AGENTS.override.md` (global instructions), `.env`, `hooks.json`, `rules/` (Codex adds
 * "always allow" rules there), `agents/`, `prompts/`, `themes/`, and each entry of `skills/` (not the
 * `skills/.system/` that Codex unpacks into every home itself). Profiles (`<name>.config.toml`, `-p <name>`)
 * are merged copies like config.toml (`account_config.ts`), because Codex may write into them. Logins,
 * history and per-install state (auth.json, sessions/, history.jsonl, *.sqlite, models_cache.json,
 * installation_id, .credentials.json, …) are never shared. A file or folder of the account's own at one of
 * these names is left alone; a link whose target the user removed is removed. Nothing here prints.
 */

import { joinPath } from "../fs/path.ts";
import { syncAccountConfig } from "./account_config.ts";

/** Files and folders linked as a whole. */
export const LINKED_ENTRIES = [
  "AGENTS.md",
  "AGENTS.override.md",
  ".env",
  "hooks.json",
  "rules",
  "agents",
  "prompts",
  "themes",
];

/** The folder whose entries are linked one by one (Codex keeps `.system/` per home). */
export const SKILLS_DIR = "skills";

/** Profile files: `<name>.config.toml` beside config.toml. Pure. */
export function isProfileFile(name: string): boolean {
  return name.endsWith(".config.toml") && name !== ".config.toml" && !name.startsWith(".");
}

/** What one sync did, for the caller to report. */
export interface SetupSyncResult {
  linked: string[];
  unlinked: string[];
  /** Entries of the account's own that hide one of the user's (not replaced). */
  shadowed: string[];
  warnings: string[];
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch {
    return null;
  }
}

async function readLinkOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readLink(path);
  } catch {
    return null;
  }
}

/** Makes `link` point at `target` when the user has it; removes our link when the user no longer does. */
async function syncLink(target: string, link: string, result: SetupSyncResult): Promise<void> {
  const source = await Deno.stat(target).catch(() => null);
  const existing = await lstatOrNull(link);
  if (existing !== null && !existing.isSymlink) {
    if (source !== null) result.shadowed.push(link);
    return;
  }
  const current = existing === null ? null : await readLinkOrNull(link);
  if (source === null) {
    if (current === target) {
      await Deno.remove(link);
      result.unlinked.push(link);
    }
    return;
  }
  if (current === target) return;
  if (existing !== null) await Deno.remove(link);
  await Deno.symlink(target, link, { type: source.isDirectory ? "dir" : "file" });
  result.linked.push(link);
}

async function entriesOf(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Brings the shared part of the user's Codex setup into `accountDir`. */
export async function syncCodexSetup(
  accountDir: string,
  userCodexHome: string,
  now: Date,
): Promise<SetupSyncResult> {
  const result: SetupSyncResult = { linked: [], unlinked: [], shadowed: [], warnings: [] };
  if (Deno.build.os === "windows") return result; // symlinks need a privilege there
  for (const name of LINKED_ENTRIES) {
    await syncLink(joinPath(userCodexHome, name), joinPath(accountDir, name), result);
  }
  const userSkills = joinPath(userCodexHome, SKILLS_DIR);
  const accountSkills = joinPath(accountDir, SKILLS_DIR);
  const skillsInfo = await lstatOrNull(accountSkills);
  if (skillsInfo === null || (skillsInfo.isDirectory && !skillsInfo.isSymlink)) {
    const wanted = (await entriesOf(userSkills)).filter((name) => name !== ".system");
    if (wanted.length > 0) await Deno.mkdir(accountSkills, { recursive: true, mode: 0o700 });
    for (const name of new Set([...wanted, ...await entriesOf(accountSkills)])) {
      if (name === ".system") continue;
      await syncLink(joinPath(userSkills, name), joinPath(accountSkills, name), result);
    }
  }
  for (const name of (await entriesOf(userCodexHome)).filter(isProfileFile)) {
    const sync = await syncAccountConfig(accountDir, joinPath(userCodexHome, name), now, name);
    result.warnings.push(...sync.warnings);
  }
  return result;
}
