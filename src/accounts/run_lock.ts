/**
 * @module
 * The run lock of one account home (`<account home>/.cao-run.lock`, 0600): a `cao run` holds it for as long as
 * the codex it started there runs, so that another `cao run` knows the home is in use and picks another
 * account. Two codex runs in one home write to one `sessions/` tree, and each `cao run` would otherwise take
 * the other's usage limit for its own. Taken without waiting (`FsFile.tryLock`); advisory, and released by the
 * operating system when the holder dies. Nothing here decides what to do with a busy home.
 */

import { dirname } from "node:path";

/** A run lock this process holds; disposing it releases it. */
export interface RunLock extends AsyncDisposable {
  /** The lock file. */
  readonly path: string;
  /** Releases the lock and closes the file (idempotent). */
  release(): Promise<void>;
}

/**
 * Takes the exclusive run lock at `path` without waiting (the file is created 0600, its directory 0700, when
 * missing). Returns null when another holder has it.
 */
export async function tryRunLock(path: string): Promise<RunLock | null> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) return null;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    try {
      await file.unlock();
    } finally {
      file.close();
    }
  };
  return { path, release, [Symbol.asyncDispose]: release };
}
