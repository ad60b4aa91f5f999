/**
 * @module
 * Moving a folder's files into another folder without ever replacing one that is already there (a session
 * copied there earlier stays as it is). Idempotent, so a move interrupted half-way is finished by running it
 * again.
 */

import { pathExists } from "./file_probe.ts";

/** Moves every file below `from` to the same relative path below `to`; returns how many files moved. */
export async function moveTree(from: string, to: string): Promise<number> {
  let moved = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(from));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
  for (const entry of entries) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) {
      moved += await moveTree(source, target);
    } else if (entry.isFile && !(await pathExists(target))) {
      await Deno.mkdir(to, { recursive: true, mode: 0o700 });
      await Deno.rename(source, target).catch(async () => {
        await Deno.copyFile(source, target);
      });
      moved += 1;
    }
  }
  return moved;
}
