/**
 * @module
 * Errors from the operating system, said the way a user can act on them: what cao tried, on which path, the
 * state that stopped it and what to do (`Cannot write "…/registry.json": the cao home is read-only; check its
 * permissions or use --data-dir`). Deno's messages carry the call and the path (`Permission denied (os error
 * 13): open '/x/.registry.json.tmp-1-ab'`); {@link describeOsError} reads them. Pure: nothing here touches a file.
 */

import { CaoError } from "../shared/errors.ts";
import { basenameOf, dirnameOf, joinPath } from "./path.ts";

/** An OS error in words. */
export interface OsErrorText {
  message: string;
  hint: string;
}

const STATES: Record<number, string> = {
  1: "the operation is not permitted (the file belongs to another user?)",
  2: "it does not exist",
  13: "permission denied",
  17: "it already exists",
  20: "a part of the path is a file, not a directory",
  21: "it is a directory",
  28: "the disk is full",
  30: "the file system is read-only",
  122: "the disk quota is exceeded",
};

const ACTIONS: Record<string, string> = {
  open: "open",
  readfile: "read",
  writefile: "write",
  mkdir: "create",
  rename: "write",
  chmod: "change the mode of",
  chown: "change the owner of",
  readdir: "list",
  remove: "remove",
  stat: "read",
  lstat: "read",
  copy: "copy",
  symlink: "link",
  realpath: "read",
};

/** Temp and lock files stand for the file they guard: `.x.json.tmp-1-ab` and `x.json.lock` → `x.json`. Pure. */
export function subjectPath(path: string): { path: string; writing: boolean } {
  const name = basenameOf(path);
  const temp = /^\.(.+)\.tmp-[^/]*$/.exec(name);
  if (temp) return { path: joinPath(dirnameOf(path), temp[1]), writing: true };
  if (name.endsWith(".lock") && name.length > 5) {
    return { path: joinPath(dirnameOf(path), name.slice(0, -5)), writing: true };
  }
  return { path, writing: false };
}

function isInside(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, "");
  return path === r || path.startsWith(`${r}/`);
}

/** The errno of an OS error and its state in words, or null when `error` is not one cao words. Pure. */
export function osErrorState(error: unknown): { errno: number; state: string } | null {
  if (!(error instanceof Error)) return null;
  const errno = Number(/\(os error (\d+)\)/.exec(error.message)?.[1]);
  const state = STATES[errno];
  return state === undefined ? null : { errno, state };
}

/** The words for an OS error, or null when `error` is not one (or carries no errno). Pure. */
export function describeOsError(error: unknown, homeRoot: string): OsErrorText | null {
  if (!(error instanceof Error)) return null;
  const match = /\(os error (\d+)\)(?::\s*(\w+)\s+'([^']*)'(?:\s*->\s*'([^']*)')?)?/.exec(error.message);
  if (!match) return null;
  const errno = Number(match[1]);
  const state = STATES[errno];
  if (state === undefined) return null;
  const call = match[2]?.toLowerCase();
  const rawPath = match[4] && errno !== 2 ? match[4] : match[3];
  if (rawPath === undefined) {
    return {
      message: `Cannot use the cao home "${homeRoot}": ${state}`,
      hint:
        "check that it is a directory you can write, or point cao at another one with --data-dir or CAO_HOME",
    };
  }
  const subject = subjectPath(rawPath);
  const verb = subject.writing || call === "rename" ? "write" : ACTIONS[call ?? ""] ?? "use";
  const inHome = isInside(subject.path, homeRoot);
  const where = inHome ? "the cao home" : `"${dirnameOf(subject.path)}"`;
  const denied = errno === 1 || errno === 13 || errno === 30;
  const stateText = denied && inHome && (verb === "write" || verb === "create" || verb === "remove")
    ? errno === 30
      ? "the cao home is on a read-only file system"
      : `the cao home is read-only for you (${state})`
    : state;
  const hint = denied
    ? inHome
      ? `check the permissions of "${homeRoot}" (ls -ld), or use --data-dir <another dir>`
      : `check the permissions of ${where}`
    : errno === 20 && inHome
    ? `"${homeRoot}" must be a directory: point --data-dir or CAO_HOME at one`
    : errno === 28 || errno === 122
    ? "free some space and run the command again"
    : `check ${where}`;
  return { message: `Cannot ${verb} "${subject.path}": ${stateText}`, hint };
}

/** The CaoError (exit 1) for an OS error, or null when `error` is something else. Pure. */
export function osCaoError(error: unknown, homeRoot: string): CaoError | null {
  if (error instanceof CaoError) return null;
  const text = describeOsError(error, homeRoot);
  return text === null ? null : new CaoError(text.message, { hint: text.hint, cause: error });
}
