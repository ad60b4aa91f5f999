/**
 * @module
 * Moving a folder's files into another folder without ever replacing one that is already there (a session
 * copied there earlier stays as it is). Idempotent, so a move interrupted half-way is finished by running it
 * again. Each file moves by a rename; only where the two folders lie on different file systems (EXDEV) does it
 * move by a copy instead — whole (into a temp file renamed into place) before its source is removed. Any other
 * failure (permissions, something in the way, a file gone) is a {@link CaoError} naming the file, with nothing
 * copied: the source stays where it was.
 */

import { CaoError } from "../shared/errors.ts";
import { joinPath } from "./path.ts";
import { osErrorState } from "./os_error.ts";

/** Moves every file below `from` to the same relative path below `to`; returns how many files moved. */
export async function moveTree(from: string, to: string): Promise<number> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(from));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw cannotMove(from, to, error);
  }
  let moved = 0;
  for (const entry of entries) {
    const source = joinPath(from, entry.name);
    const target = joinPath(to, entry.name);
    const there = await lstatOrNull(source, target);
    if (entry.isDirectory) {
      if (there !== null && !there.isDirectory) throw inTheWay(source, target, "a file, not a directory");
      moved += await moveTree(source, target);
    } else if (entry.isFile && there === null) {
      await ensureDir(source, to);
      await moveFile(source, target);
      moved += 1;
    } else if (entry.isFile && there?.isDirectory) {
      throw inTheWay(source, target, "a directory");
    }
  }
  return moved;
}

async function lstatOrNull(source: string, path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw cannotMove(source, path, error);
  }
}

async function ensureDir(source: string, dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cannotMove(source, dir, error);
  }
}

async function moveFile(source: string, target: string): Promise<void> {
  try {
    await Deno.rename(source, target);
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "EXDEV") throw cannotMove(source, target, error);
  }
  await copyAcross(source, target);
}

/** The move across file systems: a whole copy put in place (written, synced, renamed), then the source removed. */
async function copyAcross(source: string, target: string): Promise<void> {
  const slash = target.lastIndexOf("/");
  const suffix = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const temp = `${target.slice(0, slash + 1)}.${target.slice(slash + 1)}.tmp-${suffix}`;
  try {
    await copyWhole(source, temp);
    await Deno.rename(temp, target);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw cannotMove(source, target, error);
  }
  try {
    await Deno.remove(source);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw cannotMove(source, target, error);
  }
}

/** Copies `source` to the new file `temp` (0600) and syncs it to disk. */
async function copyWhole(source: string, temp: string): Promise<void> {
  const input = await Deno.open(source, { read: true });
  try {
    const output = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
    try {
      const buffer = new Uint8Array(64 * 1024);
      for (let n = await input.read(buffer); n !== null; n = await input.read(buffer)) {
        let written = 0;
        while (written < n) written += await output.write(buffer.subarray(written, n));
      }
      await output.sync();
    } finally {
      output.close();
    }
  } finally {
    input.close();
  }
}

function inTheWay(source: string, target: string, what: string): CaoError {
  return new CaoError(`Cannot move "${source}": "${target}" is ${what}`, {
    hint: `move "${target}" out of the way, then run the command again`,
  });
}

function cannotMove(source: string, target: string, error: unknown): CaoError {
  const os = osErrorState(error);
  if (os?.errno === 21) return inTheWay(source, target, "a directory");
  if (os?.errno === 20 || os?.errno === 17) {
    return inTheWay(source, target, "in the way (a file, not a directory)");
  }
  const state = os?.state ?? (error instanceof Error ? error.message : String(error));
  const slash = target.lastIndexOf("/");
  const denied = os?.errno === 1 || os?.errno === 13 || os?.errno === 30;
  return new CaoError(`Cannot move "${source}": ${state}`, {
    hint: denied
      ? `check the permissions of "${source.slice(0, source.lastIndexOf("/"))}" and "${
        target.slice(0, slash)
      }" (ls -ld), then run the command again`
      : `check "${target.slice(0, slash)}", then run the command again`,
    cause: error,
  });
}
