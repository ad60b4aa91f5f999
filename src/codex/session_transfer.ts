/**
 * @module
 * Moving a conversation between account homes: Codex resumes any session whose rollout file sits under
 * `$CODEX_HOME/sessions/` (CODEX_FACTS §2.3: copying the rollout into another CODEX_HOME and running
 * `codex exec resume <id>` there continues it), so making a session available to another account is one
 * atomic file copy to the same relative path. Also finds the freshest copy of a session among all homes,
 * and queues the message that continues it (`codex queue`), which the TUI submits once the session is
 * loaded: codex 0.169's `codex resume <id> <prompt>` drops the prompt now and then when loading is slow
 * (seen about once in 16 resumes on a loaded machine; never with the queue in over 100).
 */

import { dirname, join, relative } from "node:path";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { codexHomePaths } from "./codex_home_paths.ts";
import { listRolloutFiles, type RolloutFile } from "./rollout_watch.ts";
import { runToCompletion, type SpawnFn } from "./spawn.ts";

/** Where a session's rollout lives. */
export interface SessionLocation extends RolloutFile {
  /** The CODEX_HOME holding it. */
  codexHome: string;
}

/** The path of `rolloutPath` relative to its home's `sessions/` directory (its date folders kept). Pure. */
export function sessionRelativePath(codexHome: string, rolloutPath: string): string {
  const rel = relative(codexHomePaths(codexHome).sessions, rolloutPath);
  if (rel === "" || rel.startsWith("..") || rel.startsWith("/") || /^[A-Za-z]:/.test(rel)) {
    return rolloutPath.split(/[\\/]/).at(-1) ?? rolloutPath;
  }
  return rel;
}

/** The most recently written copy of session `sessionId` among `codexHomes`, or null. */
export async function findSession(codexHomes: string[], sessionId: string): Promise<SessionLocation | null> {
  const id = sessionId.toLowerCase();
  let best: SessionLocation | null = null;
  for (const codexHome of codexHomes) {
    for (const file of await listRolloutFiles(codexHome)) {
      if (file.sessionId !== id) continue;
      if (
        best === null || file.mtimeMs > best.mtimeMs ||
        (file.mtimeMs === best.mtimeMs && file.size > best.size)
      ) {
        best = { ...file, codexHome };
      }
    }
  }
  return best;
}

/**
 * Copies a session's rollout from `fromHome` into `toHome` at the same relative path (0600, atomically),
 * unless the copy there is already identical in size and at least as new. Returns the target path.
 */
export async function transferSession(
  fromHome: string,
  rolloutPath: string,
  toHome: string,
): Promise<string> {
  const target = join(codexHomePaths(toHome).sessions, sessionRelativePath(fromHome, rolloutPath));
  if (target === rolloutPath) return target;
  const source = await Deno.stat(rolloutPath);
  try {
    const existing = await Deno.stat(target);
    const newer = (existing.mtime?.getTime() ?? 0) >= (source.mtime?.getTime() ?? 0);
    if (existing.size === source.size && newer) return target;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await writeFileAtomic(target, await Deno.readFile(rolloutPath), { mode: 0o600 });
  return target;
}

/**
 * Queues `message` for session `sessionId` in `codexHome` (`codex queue --thread <id> --message <text>`), so
 * that the next Codex to open the session submits it. Returns false when codex refused or could not run.
 */
export async function queueSessionMessage(
  spawn: SpawnFn,
  codex: string,
  codexHome: string,
  sessionId: string,
  message: string,
  env: Record<string, string> = {},
): Promise<boolean> {
  try {
    const result = await runToCompletion(spawn, codex, {
      args: ["queue", "--thread", sessionId, "--message", message],
      env: { ...env, CODEX_HOME: codexHome },
    });
    return result.code === 0;
  } catch {
    return false;
  }
}
