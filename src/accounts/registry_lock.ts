/**
 * @module
 * The registry lock (`registry.json.lock`) as one process holds it. Every multi-step change holds it exclusive
 * from its first step to its last (`registry.ts` `updateRegistry`); readers hold it shared, so that they never
 * see a change half done. Which async flow holds it exclusive is kept in an `AsyncLocalStorage` (made by the first change): that flow's
 * own reads and nested changes go on without locking again (a second lock on the file would wait for itself),
 * while every other flow of the process (a concurrent gateway request, a `Promise.all`) waits as another process
 * would. Concurrent shared readers of one process join one hold of the lock, let go by the last of them.
 * Readers nest inside writers, never the other way round.
 */

import type { AsyncLocalStorage } from "node:async_hooks";

/** One exclusive hold by a flow; `released` once the change is over (a late callback it started sees that). */
interface ExclusiveHold {
  lockPath: string;
  released: boolean;
}

/**
 * Made by the first change of the process (`node:async_hooks` is loaded then): a process that only reads
 * the registry, such as a gateway, never loads it.
 */
let writers: AsyncLocalStorage<readonly ExclusiveHold[]> | null = null;

/** Whether the calling flow holds `lockPath` exclusive (inside {@link asRegistryWriter}). */
export function holdsExclusive(lockPath: string): boolean {
  return writers?.getStore()?.some((hold) => hold.lockPath === lockPath && !hold.released) ?? false;
}

/**
 * Runs `change` as the flow that holds `lockPath` exclusive: `change` takes the file lock itself (first, before
 * it reads), and its own readers inside then skip the lock.
 */
export async function asRegistryWriter<T>(lockPath: string, change: () => Promise<T>): Promise<T> {
  writers ??= new (await import("node:async_hooks")).AsyncLocalStorage<readonly ExclusiveHold[]>();
  const store = writers;
  const hold: ExclusiveHold = { lockPath, released: false };
  try {
    return await store.run([...(store.getStore() ?? []), hold], change);
  } finally {
    hold.released = true;
  }
}

/**
 * The shared registry locks this process holds, by lock path. Concurrent readers of one process join one hold,
 * and it is let go when the last of them is done, so no reader ever goes on unlocked after another one released
 * the lock. `file` is null where the lock file cannot be opened.
 */
const sharedHolds = new Map<string, { readers: number; file: Promise<Deno.FsFile | null> }>();

async function openSharedLock(path: string): Promise<Deno.FsFile | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return null;
  }
  try {
    await file.lock(false);
    return file;
  } catch (error) {
    file.close();
    throw error;
  }
}

/**
 * Runs `read` under the shared lock `lockPath`, or at once in the flow that holds it exclusive. Without a lock
 * file (a new home) or where it cannot be opened (a home this user cannot write), `read` runs unlocked.
 */
export async function withSharedLock<T>(lockPath: string, read: () => Promise<T>): Promise<T> {
  if (holdsExclusive(lockPath)) return await read();
  let hold = sharedHolds.get(lockPath);
  if (hold === undefined) {
    hold = { readers: 0, file: openSharedLock(lockPath) };
    sharedHolds.set(lockPath, hold);
  }
  hold.readers++;
  try {
    await hold.file;
    return await read();
  } finally {
    if (--hold.readers === 0) {
      if (sharedHolds.get(lockPath) === hold) sharedHolds.delete(lockPath);
      const file = await hold.file.catch(() => null);
      if (file !== null) {
        await file.unlock().catch(() => {});
        file.close();
      }
    }
  }
}
