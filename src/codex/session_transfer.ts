/**
 * @module
 * Moving a conversation between account homes: Codex resumes any session whose rollout file sits under
 * `$CODEX_HOME/sessions/` (CODEX_FACTS §2.3: copying the rollout into another CODEX_HOME and running
 * `codex exec resume <id>` there continues it), so making a session available to another account is one
 * atomic file copy to the same relative path, its owner rewritten (`session_copies.ts`). Also finds the
 * newest copy of a session among all homes,
 * and queues the message that continues it (`codex queue`), which the TUI submits once the session is
 * loaded: codex 0.169's `codex resume <id> <prompt>` drops the prompt now and then when loading is slow
 * (seen about once in 16 resumes on a loaded machine; never with the queue in over 100).
 */

import { copySessionInto, newestCopy, sessionOwnerOf, sessionRelativePath } from "./session_copies.ts";
import { listRolloutFiles, type RolloutFile } from "./rollout_watch.ts";
import { runToCompletion, type SpawnFn } from "./spawn.ts";

export { sessionRelativePath };

/** Where a session's rollout lives. */
export interface SessionLocation extends RolloutFile {
  /** The CODEX_HOME holding it. */
  codexHome: string;
}

/**
 * The newest copy of session `sessionId` among `codexHomes` (the one holding the most, Codex only appends;
 * the latest write on a tie), or null.
 */
export async function findSession(codexHomes: string[], sessionId: string): Promise<SessionLocation | null> {
  const id = sessionId.toLowerCase();
  const copies = [];
  for (const codexHome of codexHomes) {
    for (const file of await listRolloutFiles(codexHome)) {
      if (file.sessionId === id) copies.push({ ...file, home: codexHome });
    }
  }
  if (copies.length === 0) return null;
  const { home, ...best } = await newestCopy(copies);
  return { ...best, codexHome: home };
}

/**
 * Copies a session's rollout from `fromHome` into `toHome` at the same relative path (0600, atomically), its
 * `session_meta` naming the login of `toHome` (so that `resume --last` there finds it), unless the copy there
 * is already identical. Returns the target path.
 */
export async function transferSession(
  fromHome: string,
  rolloutPath: string,
  toHome: string,
): Promise<string> {
  return await copySessionInto(fromHome, rolloutPath, toHome, await sessionOwnerOf(toHome));
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
