/**
 * @module
 * Reading cao's JSON files without ever losing one: a missing file is reported as missing, and a file that
 * cannot be parsed is moved aside to `<name>.corrupt-<timestamp>` (never overwritten, never emptied) by a
 * writer ({@link readJsonFile}), or only reported by a reader that must not change the home
 * ({@link peekJsonFile}, {@link reportDamagedOnce}).
 */

import { basenameOf } from "./path.ts";
import { takeReadAhead } from "./read_ahead.ts";

/** The outcome of reading a JSON file. */
export type JsonReadResult =
  | { kind: "missing" }
  | { kind: "ok"; value: unknown }
  | { kind: "corrupt"; reason: string; movedTo: string };

/** `20261121T141500Z`: a timestamp that sorts and is safe in file names. */
export function fileTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** A free name beside `path` to move it aside to: `<path>.<label>-<timestamp>` (with a counter if taken). */
export async function asideName(path: string, now: Date, label = "corrupt"): Promise<string> {
  const base = `${path}.${label}-${fileTimestamp(now)}`;
  for (let n = 0;; n++) {
    const target = n === 0 ? base : `${base}-${n}`;
    try {
      await Deno.lstat(target);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      return target;
    }
  }
}

/** Moves `path` aside as `<path>.corrupt-<timestamp>` (with a counter if that exists) and returns the new path. */
export async function moveAside(path: string, now: Date, label = "corrupt"): Promise<string> {
  const target = await asideName(path, now, label);
  await Deno.rename(path, target);
  return target;
}

/** The outcome of reading a JSON file without changing anything. */
export type JsonPeekResult =
  | { kind: "missing" }
  | { kind: "ok"; value: unknown }
  | { kind: "corrupt"; reason: string };

/** Reads and parses `path`, changing nothing: an unparsable file is reported as corrupt and left where it is. */
export async function peekJsonFile(path: string): Promise<JsonPeekResult> {
  let text: string;
  try {
    text = await takeReadAhead(path) ?? await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw error;
  }
  try {
    return { kind: "ok", value: JSON.parse(text) };
  } catch (error) {
    return { kind: "corrupt", reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Reads and parses `path` for a writer; an unparsable file is moved aside and reported as corrupt. */
export async function readJsonFile(path: string, now: Date): Promise<JsonReadResult> {
  const read = await peekJsonFile(path);
  if (read.kind !== "corrupt") return read;
  return { ...read, movedTo: await moveAside(path, now) };
}

const reported = new Set<string>();

/**
 * Says through `warn` that a reader found `path` damaged (`why`) and left it as it is, once per process and
 * damage: a view that reads every second (`cao status --watch`, the dashboard, the gateway's reloads) does not
 * repeat it. The line names `cao doctor`, which moves the file aside (and rebuilds what can be rebuilt).
 */
export function reportDamagedOnce(
  warn: (message: string) => void,
  path: string,
  why: string,
  then: string,
): void {
  const key = `${path}\0${why}`;
  if (reported.has(key)) return;
  reported.add(key);
  const name = basenameOf(path);
  warn(`${name} ${why}; ${then}, and the file is left as it is ("cao doctor" moves it aside)`);
}
