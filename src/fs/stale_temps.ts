/**
 * @module
 * Cleaning up the temp files of atomic writes (`.<name>.tmp-<pid>-<random>`, see `atomic_write.ts`) that a
 * killed process left behind. A temp file is stale once it is a minute old: a live write renames its temp
 * within milliseconds (whether its process still runs cannot be asked without more permissions than cao has).
 */

import { joinPath } from "./path.ts";

/** Age after which a temp file is stale. */
export const STALE_TEMP_AGE_MS = 60 * 1000;

/** The pid in a temp file's name, or null when the name is not one of cao's temp files. Pure. */
export function tempFilePid(name: string): number | null {
  const match = /^\..+\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Removes the stale temp files directly in `dir`; returns how many. A missing or unreadable dir is skipped. */
export async function removeStaleTemps(dir: string, now: Date): Promise<number> {
  let removed = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || tempFilePid(entry.name) === null) continue;
      const path = joinPath(dir, entry.name);
      const info = await Deno.lstat(path).catch(() => null);
      if (info?.mtime && now.getTime() - info.mtime.getTime() > STALE_TEMP_AGE_MS) {
        await Deno.remove(path).then(() => removed++, () => {});
      }
    }
  } catch { /* nothing to clean here */ }
  return removed;
}
