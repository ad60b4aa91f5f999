/**
 * @module
 * Copies of one conversation in several CODEX_HOMEs (`cao run` moves a session to the next account by copying
 * its rollout). Three facts of Codex 0.169/0.171 shape them (/work/notes/issue11-research.md §3):
 *
 * - `resume --last` and the resume picker list only sessions whose rollout's first line (`session_meta`)
 *   names the logged-in account (`account_scoped`, `creator_account_id`, `creator_user_id`), so a copy gets
 *   the owner of the home it goes to ({@link rewriteSessionOwner});
 * - a rollout only grows (Codex appends), so of two copies the one with more after its first line is the
 *   newer ({@link sessionProgress}); {@link syncSessionCopies} brings the newest copy into the home that runs
 *   next, so that whichever account continues a conversation continues all of it, and nobody sees two versions;
 * - another account refuses the first account's encrypted reasoning (`400 invalid_encrypted_content`):
 *   {@link stripAccountBoundContent} takes those items out of a copy, as the gateway does for a request.
 *
 * Pure functions plus the file edges that apply them (atomic writes, 0600). Nothing here prints.
 */

import { writeFileAtomic } from "../fs/atomic_write.ts";
import { dirnameOf, joinPath } from "../fs/path.ts";
import { readAuthFile, summarizeAuth } from "./auth_file.ts";
import { codexHomePaths } from "./codex_home_paths.ts";
import { listRolloutFiles, type RolloutFile } from "./rollout_watch.ts";

/** The path of `rolloutPath` relative to its home's `sessions/` directory (its date folders kept). Pure. */
export function sessionRelativePath(codexHome: string, rolloutPath: string): string {
  const sessions = codexHomePaths(codexHome).sessions.replace(/[\\/]+$/, "");
  const normal = rolloutPath.replaceAll("\\", "/");
  const base = sessions.replaceAll("\\", "/") + "/";
  if (
    normal.startsWith(base) && normal.length > base.length && !normal.slice(base.length).startsWith("../")
  ) {
    return rolloutPath.slice(base.length);
  }
  return rolloutPath.split(/[\\/]/).at(-1) ?? rolloutPath;
}

/** Whose a session is, as Codex writes it into `session_meta`. */
export interface SessionOwner {
  /** `creator_account_id`: the login's `tokens.account_id`. */
  accountId: string;
  /** `creator_user_id`: the login's `chatgpt_user_id` claim, null when the login has none. */
  userId: string | null;
}

/** The owner a session copied into `codexHome` must name, from that home's login; null without one. */
export async function sessionOwnerOf(codexHome: string): Promise<SessionOwner | null> {
  const summary = summarizeAuth(await readAuthFile(codexHomePaths(codexHome).authFile));
  return summary.accountId !== null ? { accountId: summary.accountId, userId: summary.userId } : null;
}

const NEWLINE = 0x0a;

function firstLineEnd(bytes: Uint8Array): number {
  const end = bytes.indexOf(NEWLINE);
  return end < 0 ? bytes.length : end;
}

/**
 * The rollout `bytes` with its first line's `session_meta` naming `owner` (every other byte as it was). A
 * session Codex did not scope to an account is left alone; without an owner the copy is unscoped
 * (`account_scoped: false`, which every account's `--last` sees). Pure.
 */
export function rewriteSessionOwner(bytes: Uint8Array, owner: SessionOwner | null): Uint8Array {
  const end = firstLineEnd(bytes);
  let line: { type?: unknown; payload?: Record<string, unknown> };
  try {
    line = JSON.parse(new TextDecoder().decode(bytes.subarray(0, end)));
  } catch {
    return bytes;
  }
  const meta = line?.payload;
  if (line?.type !== "session_meta" || !meta || typeof meta !== "object" || meta.account_scoped !== true) {
    return bytes;
  }
  if (owner === null) meta.account_scoped = false;
  else {
    if (meta.creator_account_id === owner.accountId && meta.creator_user_id === owner.userId) return bytes;
    meta.creator_account_id = owner.accountId;
    meta.creator_user_id = owner.userId;
  }
  const head = new TextEncoder().encode(JSON.stringify(line));
  const out = new Uint8Array(head.length + bytes.length - end);
  out.set(head, 0);
  out.set(bytes.subarray(end), head.length);
  return out;
}

/** Item types whose whole content is account-bound ciphertext (as in the gateway's `request_body.ts`). */
const ENCRYPTED_ITEM_TYPES: ReadonlySet<string> = new Set(["reasoning", "compaction", "compaction_summary"]);

function stripItems(items: unknown[]): { items: unknown[]; changed: boolean } {
  let changed = false;
  const kept: unknown[] = [];
  for (const item of items) {
    if (!item || typeof item !== "object" || !("encrypted_content" in item)) {
      kept.push(item);
      continue;
    }
    changed = true;
    const entry = item as Record<string, unknown>;
    if (typeof entry.type === "string" && ENCRYPTED_ITEM_TYPES.has(entry.type)) continue;
    const { encrypted_content: _dropped, ...rest } = entry;
    kept.push(rest);
  }
  return { items: kept, changed };
}

/**
 * A rollout's text without the items another account cannot decrypt: `response_item` lines of encrypted
 * reasoning/compaction are dropped, other `encrypted_content` fields removed, and the same inside a
 * `compacted` line's `replacement_history`. Lines that need no change are kept byte for byte. Pure.
 */
export function stripAccountBoundContent(text: string): { text: string; removed: number } {
  let removed = 0;
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.includes("encrypted_content")) {
      out.push(raw);
      continue;
    }
    let line: { type?: unknown; payload?: Record<string, unknown> };
    try {
      line = JSON.parse(raw);
    } catch {
      out.push(raw);
      continue;
    }
    const payload = line.payload;
    if (!payload || typeof payload !== "object") {
      out.push(raw);
      continue;
    }
    if (line.type === "response_item") {
      const { items, changed } = stripItems([payload]);
      if (!changed) out.push(raw);
      else {
        removed++;
        if (items.length > 0) out.push(JSON.stringify({ ...line, payload: items[0] }));
      }
      continue;
    }
    if (Array.isArray(payload.replacement_history)) {
      const { items, changed } = stripItems(payload.replacement_history);
      if (changed) {
        removed++;
        out.push(JSON.stringify({ ...line, payload: { ...payload, replacement_history: items } }));
        continue;
      }
    }
    out.push(raw);
  }
  return { text: out.join("\n"), removed };
}

/** Takes the account-bound items out of the rollout at `path` (atomically, 0600). Returns how many. */
export async function stripRolloutAccountBoundContent(path: string): Promise<number> {
  const { text, removed } = stripAccountBoundContent(await Deno.readTextFile(path));
  if (removed > 0) await writeFileAtomic(path, new TextEncoder().encode(text), { mode: 0o600 });
  return removed;
}

/** How much a copy holds: its bytes after the first line (which differs between copies by its owner). */
export async function sessionProgress(path: string): Promise<number> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const buffer = new Uint8Array(64 * 1024);
  let offset = 0;
  for (;;) {
    const n = await file.read(buffer);
    if (n === null || n === 0) return 0;
    const at = buffer.subarray(0, n).indexOf(NEWLINE);
    if (at >= 0) return size - (offset + at);
    offset += n;
  }
}

/**
 * Writes the rollout at `source` into `toHome` at the same relative path, naming `owner`, unless the copy
 * there is already byte-identical. Returns the target path.
 */
export async function copySessionInto(
  fromHome: string,
  source: string,
  toHome: string,
  owner: SessionOwner | null,
): Promise<string> {
  const target = joinPath(toHome, "sessions", sessionRelativePath(fromHome, source));
  if (target === source) return target;
  const bytes = rewriteSessionOwner(await Deno.readFile(source), owner);
  try {
    const existing = await Deno.readFile(target);
    if (existing.length === bytes.length && existing.every((b, i) => b === bytes[i])) return target;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dirnameOf(target), { recursive: true, mode: 0o700 });
  await writeFileAtomic(target, bytes, { mode: 0o600 });
  return target;
}

/** A rollout file and the home it is in. */
export interface Copy extends RolloutFile {
  home: string;
}

/** Of several copies of one session, the one holding the most (the newest write on a tie). */
export async function newestCopy(copies: Copy[]): Promise<Copy> {
  let best = copies[0];
  let bestProgress = await sessionProgress(best.path);
  for (const copy of copies.slice(1)) {
    const progress = await sessionProgress(copy.path);
    if (progress > bestProgress || (progress === bestProgress && copy.mtimeMs > best.mtimeMs)) {
      best = copy;
      bestProgress = progress;
    }
  }
  return best;
}

/** Options of {@link syncSessionCopies}. */
export interface SyncOptions {
  /** Also bring sessions `target` lacks that were written after its newest one (for `--last` and the picker). */
  bringNewer: boolean;
  /** At most this many sessions brought in (default 50, the newest first). */
  limit?: number;
}

/**
 * Before Codex runs in `target`: every session it holds a stale copy of gets the newest copy found in
 * `homes` (with `target`'s owner), and with `bringNewer` the sessions written elsewhere since its newest are
 * copied in. Returns the sessions written.
 */
export async function syncSessionCopies(
  homes: string[],
  target: string,
  owner: SessionOwner | null,
  options: SyncOptions,
): Promise<string[]> {
  const bySession = new Map<string, Copy[]>();
  for (const home of [...new Set([target, ...homes])]) {
    for (const file of await listRolloutFiles(home)) {
      bySession.set(file.sessionId, [...(bySession.get(file.sessionId) ?? []), { ...file, home }]);
    }
  }
  const own = [...bySession.values()].flat().filter((c) => c.home === target);
  const newestOwn = Math.max(0, ...own.map((c) => c.mtimeMs));
  const work: Copy[][] = [];
  for (const copies of bySession.values()) {
    const here = copies.some((c) => c.home === target);
    if (here ? copies.length > 1 : options.bringNewer && copies.some((c) => c.mtimeMs > newestOwn)) {
      work.push(copies);
    }
  }
  work.sort((a, b) => Math.max(...b.map((c) => c.mtimeMs)) - Math.max(...a.map((c) => c.mtimeMs)));
  const written: string[] = [];
  let brought = 0;
  for (const copies of work) {
    const here = copies.find((c) => c.home === target);
    if (!here && brought >= (options.limit ?? 50)) continue;
    const best = await newestCopy(copies);
    if (best.home === target) continue;
    if (here && await sessionProgress(here.path) >= await sessionProgress(best.path)) continue;
    if (!here) brought++;
    // The copy keeps the path (date folders and file name) it has where it is newest.
    if (here && sessionRelativePath(target, here.path) !== sessionRelativePath(best.home, best.path)) {
      await Deno.remove(here.path).catch(() => {});
    }
    await copySessionInto(best.home, best.path, target, owner);
    written.push(best.sessionId);
  }
  return written;
}
