/**
 * @module
 * The files cao reads and writes in a `CODEX_HOME` (an account's home below the cao home, or the user's own
 * `~/.codex`), derived from that one directory (CODEX_FACTS §4 for the login and its locks). Pure: it names
 * paths and touches nothing; it loads no `node:path`, so the status fast path may use it.
 */

import { joinPath } from "../fs/path.ts";

/** The paths of one CODEX_HOME. */
export interface CodexHomePaths {
  /** The CODEX_HOME itself. */
  root: string;
  /** `auth.json`: the login (Codex's own format, 0600). */
  authFile: string;
  /** `auth.lock`: Codex takes it to write the login, not while it refreshes; cao holds it across its refreshes. */
  authLock: string;
  /** `auth.json.lock`: Codex's lock around the write of `authFile` itself, taken inside `authLock`. */
  authCommitLock: string;
  /** `config.toml`: Codex's config. */
  configFile: string;
  /** `.cao-user-config.json`: in an account home, the user's config as last synced into it (the merge base). */
  syncBase: string;
  /** `sessions/`: Codex's rollouts, in `YYYY/MM/DD` folders. */
  sessions: string;
  /** `accounts/`: where codex-auth keeps its login snapshots (`cao import codex-auth` reads them). */
  codexAuthSnapshots: string;
}

/** The paths below the CODEX_HOME `dir`. Pure. */
export function codexHomePaths(dir: string): CodexHomePaths {
  const authFile = joinPath(dir, "auth.json");
  return {
    root: dir,
    authFile,
    authLock: joinPath(dir, "auth.lock"),
    authCommitLock: `${authFile}.lock`,
    configFile: joinPath(dir, "config.toml"),
    syncBase: joinPath(dir, ".cao-user-config.json"),
    sessions: joinPath(dir, "sessions"),
    codexAuthSnapshots: joinPath(dir, "accounts"),
  };
}
