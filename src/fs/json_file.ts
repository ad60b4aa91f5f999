/**
 * @module
 * Reading cao's JSON files without ever losing one: a missing file is reported as missing, and a file that
 * cannot be parsed is moved aside to `<name>.corrupt-<timestamp>` (never overwritten, never emptied).
 */

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

/** Reads and parses `path`; an unparsable file is moved aside and reported as corrupt. */
export async function readJsonFile(path: string, now: Date): Promise<JsonReadResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw error;
  }
  try {
    return { kind: "ok", value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const movedTo = await moveAside(path, now);
    return { kind: "corrupt", reason, movedTo };
  }
}
