/**
 * @module
 * How readers tell a running gateway from one that was killed: a running gateway holds an exclusive lock on
 * `gateway.alive.lock` in the cao home for its whole life, and the kernel drops it when the process dies
 * (SIGKILL included). `gateway.json` alone cannot say it: a killed gateway never clears its `running` record.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { joinPath } from "../fs/path.ts";

/** The lock file's path. */
export function aliveLockPath(home: CaoHome): string {
  return joinPath(home.paths.root, "gateway.alive.lock");
}

/** Takes the lock for this gateway's life; returns the release (a no-op when another gateway holds it). */
export async function holdAliveLock(home: CaoHome): Promise<() => void> {
  const file = await Deno.open(aliveLockPath(home), { read: true, write: true, create: true, mode: 0o600 });
  if (!(await file.tryLock(true))) {
    file.close();
    return () => {};
  }
  return () => file.close();
}

/** True when a gateway is alive, false when the lock is free (it died), null when no gateway ever took it. */
export async function gatewayAlive(home: CaoHome): Promise<boolean | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(aliveLockPath(home), { read: true });
  } catch {
    return null;
  }
  try {
    if (!(await file.tryLock(false))) return true;
    await file.unlock();
    return false;
  } catch {
    return null;
  } finally {
    file.close();
  }
}
