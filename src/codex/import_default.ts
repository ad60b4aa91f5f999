/**
 * @module
 * Which account `cao import codex-auth` makes the default, with the seed's (CAO 1.4.2's) meaning: `--default`,
 * else `--current` (the account "active during import"; it imports nothing), else the first non-empty marker
 * file among `.active`, `active`, `.current`, `current`, `.selected`, `selected` in the source folder and
 * then in its parent (`~/.codex/`), else Loongphy codex-auth's `active_account_key` in the source's
 * `registry.json`, else the snapshot `~/.codex/auth.json` links to (Sls0n codex-auth). Reading the files
 * is the I/O here; choosing is pure ({@link chooseImportDefault}).
 */

import { basenameOf, dirnameOf, joinPath } from "../fs/path.ts";
import type { ImportCandidate } from "./import_auth.ts";
import { summarizeAuth } from "./auth_file.ts";

/** The marker file names the seed read, in its order. */
export const MARKER_FILES = [".active", "active", ".current", "current", ".selected", "selected"];

/** What the source says about the active account. */
export interface ActiveHints {
  /** The first non-empty marker: its value and its path. */
  marker: { value: string; path: string } | null;
  /** Loongphy's `active_account_key`. */
  activeKey: string | null;
  /** The file `~/.codex/auth.json` is a symlink to, when it is one. */
  authLinkTarget: string | null;
}

/** The default chosen, and why (a clause for "Default account: x (<reason>)"). */
export interface ImportDefault {
  name: string;
  reason: string;
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function stemOf(file: string): string {
  const name = basenameOf(file);
  return name.endsWith(".auth.json") ? name.slice(0, -".auth.json".length) : name.replace(/\.json$/, "");
}

/** The candidate a marker value, a Loongphy key or a link target names, if any. Pure. */
export function candidateNamed(candidates: ImportCandidate[], value: string): ImportCandidate | undefined {
  const wanted = value.trim();
  return candidates.find((c) => c.name === wanted) ?? candidates.find((c) => stemOf(c.file) === wanted) ??
    candidates.find((c) => stemOf(c.file) === base64url(wanted)) ??
    candidates.find((c) => {
      if (c.auth === null) return false;
      const login = summarizeAuth({ kind: "ok", auth: c.auth });
      return login.accountId !== null && `${login.userId}::${login.accountId}` === wanted;
    });
}

/** Picks the default in the seed's order of precedence. Pure. */
export function chooseImportDefault(
  flags: { default?: string; current?: string },
  hints: ActiveHints,
  candidates: ImportCandidate[],
): ImportDefault | null {
  if (flags.default !== undefined) return { name: flags.default, reason: "--default" };
  if (flags.current !== undefined) return { name: flags.current, reason: "--current" };
  if (hints.marker !== null) {
    const named = candidateNamed(candidates, hints.marker.value);
    return { name: named?.name ?? hints.marker.value, reason: `named by ${hints.marker.path}` };
  }
  if (hints.activeKey !== null) {
    const named = candidateNamed(candidates, hints.activeKey);
    if (named) return { name: named.name, reason: "codex-auth's active account (registry.json)" };
  }
  if (hints.authLinkTarget !== null) {
    const named = candidates.find((c) => c.file === hints.authLinkTarget);
    if (named) return { name: named.name, reason: "the snapshot ~/.codex/auth.json links to" };
  }
  return null;
}

async function readTrimmed(path: string): Promise<string | null> {
  try {
    const text = (await Deno.readTextFile(path)).trim();
    return text === "" ? null : text;
  } catch {
    return null;
  }
}

/** Reads the marker files, Loongphy's registry and the auth.json link of a codex-auth source folder. */
export async function readActiveHints(sourceDir: string, userAuthFile: string): Promise<ActiveHints> {
  let marker: ActiveHints["marker"] = null;
  for (const dir of [sourceDir, dirnameOf(sourceDir)]) {
    for (const name of MARKER_FILES) {
      const path = joinPath(dir, name);
      const value: string | null = marker === null ? await readTrimmed(path) : null;
      if (value !== null) marker = { value, path };
    }
  }
  let activeKey: string | null = null;
  try {
    const doc = JSON.parse(await Deno.readTextFile(joinPath(sourceDir, "registry.json")));
    if (typeof doc?.active_account_key === "string" && doc.active_account_key !== "") {
      activeKey = doc.active_account_key;
    }
  } catch { /* no Loongphy registry */ }
  let authLinkTarget: string | null = null;
  try {
    const target = await Deno.readLink(userAuthFile);
    authLinkTarget = target.startsWith("/") ? target : joinPath(dirnameOf(userAuthFile), target);
  } catch { /* not a link */ }
  return { marker, activeKey, authLinkTarget };
}
