/**
 * @module
 * Exclusive advisory locks across processes (`Deno.FsFile.lock`), held on a separate `<file>.lock` so that
 * atomic renames of the data file never invalidate the lock. Every read-modify-write of a shared file runs
 * inside {@link withFileLock}.
 */

/** Runs `action` while holding an exclusive lock on `lockPath` (created 0600 when missing). */
export async function withFileLock<T>(lockPath: string, action: () => Promise<T>): Promise<T> {
  const file = await Deno.open(lockPath, { read: true, write: true, create: true, mode: 0o600 });
  try {
    await file.lock(true);
    try {
      return await action();
    } finally {
      await file.unlock();
    }
  } finally {
    file.close();
  }
}
