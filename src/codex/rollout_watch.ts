/**
 * @module
 * Following the rollout files a running codex writes in one CODEX_HOME: which sessions it touched and how
 * each of their turns ended, read incrementally (only the bytes appended since the last look, partial lines
 * kept for the next one). Files that existed before codex started are followed from their size at that
 * moment, so a resumed session's old turns never count. Interpretation is `rollout.ts`'s; nothing here
 * prints or decides.
 */

import { concatBytes } from "../shared/bytes.ts";
import { join } from "node:path";
import { codexHomePaths } from "./codex_home_paths.ts";
import {
  parseRolloutLine,
  type RateLimitSnapshot,
  sessionIdFromRolloutName,
  type TurnEnd,
  TurnTracker,
} from "./rollout.ts";

/** A rollout file on disk. */
export interface RolloutFile {
  /** Absolute path. */
  path: string;
  /** The thread (session) id from its name. */
  sessionId: string;
  /** Size in bytes. */
  size: number;
  /** Last modification, epoch ms (0 when unknown). */
  mtimeMs: number;
}

/** A turn end seen in one session. */
export interface ObservedTurnEnd {
  sessionId: string;
  rolloutPath: string;
  end: TurnEnd;
}

/** Every `rollout-*.jsonl` below `<codexHome>/sessions` (none when the directory does not exist). */
export async function listRolloutFiles(codexHome: string): Promise<RolloutFile[]> {
  const found: RolloutFile[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory && depth < 4) await walk(path, depth + 1);
      if (!entry.isFile) continue;
      const sessionId = sessionIdFromRolloutName(entry.name);
      if (sessionId === null) continue;
      try {
        const info = await Deno.stat(path);
        found.push({ path, sessionId, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 });
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
  }
  await walk(codexHomePaths(codexHome).sessions, 0);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function statRollout(path: string, sessionId: string): Promise<RolloutFile | null> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? { path, sessionId, size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 } : null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** The rollouts directly in one directory (none when it does not exist). */
async function rolloutsIn(dir: string): Promise<RolloutFile[]> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return [];
    throw error;
  }
  const found: RolloutFile[] = [];
  for (const entry of entries) {
    const sessionId = entry.isFile ? sessionIdFromRolloutName(entry.name) : null;
    if (sessionId === null) continue;
    const file = await statRollout(join(dir, entry.name), sessionId);
    if (file !== null) found.push(file);
  }
  return found;
}

/** `sessions/YYYY/MM/DD` of a local date, where Codex puts the rollouts of sessions created that day. */
function dayDir(codexHome: string, day: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return join(
    codexHomePaths(codexHome).sessions,
    String(day.getFullYear()),
    pad(day.getMonth() + 1),
    pad(day.getDate()),
  );
}

/** How often {@link RolloutWatcher.poll} walks the whole `sessions/` tree (in between: known files, recent days). */
const FULL_SCAN_INTERVAL_MS = 3000;

interface FollowedFile {
  sessionId: string;
  offset: number;
  partial: string;
  decoder: TextDecoder;
  tracker: TurnTracker;
}

async function readFrom(path: string, offset: number): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  await file.seek(offset, Deno.SeekMode.Start);
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null || n === 0) break;
    chunks.push(buffer.slice(0, n));
  }
  return concatBytes(chunks);
}

/** Watches one CODEX_HOME's rollouts from the moment {@link RolloutWatcher.start} was called. */
export class RolloutWatcher {
  readonly codexHome: string;
  #baseline: Map<string, number>;
  #followed = new Map<string, FollowedFile>();
  #latestRateLimits: RateLimitSnapshot | null = null;
  #now: () => Date;
  #lastFullScan: number;

  private constructor(codexHome: string, baseline: Map<string, number>, now: () => Date) {
    this.codexHome = codexHome;
    this.#baseline = baseline;
    this.#now = now;
    this.#lastFullScan = now().getTime();
  }

  /** Notes the size of every rollout present now; only what is appended later is reported. */
  static async start(codexHome: string, now: () => Date = () => new Date()): Promise<RolloutWatcher> {
    const files = await listRolloutFiles(codexHome);
    return new RolloutWatcher(codexHome, new Map(files.map((f) => [f.path, f.size])), now);
  }

  /**
   * The files to look at: every rollout on a full scan (at most every few seconds, or when asked), else
   * the ones already followed plus those of today's and yesterday's folders, where new sessions appear.
   */
  async #candidates(full: boolean): Promise<RolloutFile[]> {
    const now = this.#now();
    if (full || now.getTime() - this.#lastFullScan >= FULL_SCAN_INTERVAL_MS) {
      this.#lastFullScan = now.getTime();
      return await listRolloutFiles(this.codexHome);
    }
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
    const byPath = new Map<string, RolloutFile>();
    for (const dir of [dayDir(this.codexHome, yesterday), dayDir(this.codexHome, now)]) {
      for (const file of await rolloutsIn(dir)) byPath.set(file.path, file);
    }
    for (const [path, followed] of this.#followed) {
      if (byPath.has(path)) continue;
      const file = await statRollout(path, followed.sessionId);
      if (file !== null) byPath.set(path, file);
    }
    return [...byPath.values()];
  }

  /** The rate limits Codex recorded most recently in any followed session (null: none yet). */
  get latestRateLimits(): RateLimitSnapshot | null {
    return this.#latestRateLimits;
  }

  /** The sessions codex wrote to since the start, by rollout path. */
  get touched(): { sessionId: string; rolloutPath: string }[] {
    return [...this.#followed].map(([rolloutPath, f]) => ({ sessionId: f.sessionId, rolloutPath }));
  }

  /** Reads what was appended since the last call and returns the turn ends found in it (`full`: look everywhere). */
  async poll(options: { full?: boolean } = {}): Promise<ObservedTurnEnd[]> {
    const ends: ObservedTurnEnd[] = [];
    for (const file of await this.#candidates(options.full ?? false)) {
      let followed = this.#followed.get(file.path);
      const start = followed?.offset ?? this.#baseline.get(file.path) ?? 0;
      if (file.size <= start) continue;
      if (!followed) {
        followed = {
          sessionId: file.sessionId,
          offset: start,
          partial: "",
          decoder: new TextDecoder(),
          tracker: new TurnTracker(),
        };
        this.#followed.set(file.path, followed);
      }
      const bytes = await readFrom(file.path, followed.offset);
      followed.offset += bytes.length;
      const text = followed.partial + followed.decoder.decode(bytes, { stream: true });
      const lines = text.split("\n");
      followed.partial = lines.pop() ?? "";
      for (const raw of lines) {
        const line = parseRolloutLine(raw);
        if (line === null) continue;
        const end = followed.tracker.feed(line);
        if (followed.tracker.rateLimits !== null) this.#latestRateLimits = followed.tracker.rateLimits;
        if (end !== null) ends.push({ sessionId: followed.sessionId, rolloutPath: file.path, end });
      }
    }
    return ends;
  }
}
