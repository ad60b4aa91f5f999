/**
 * @module
 * Following the rollout files a running codex writes in one CODEX_HOME: which sessions it touched and how
 * each of their turns ended, read incrementally (only the bytes appended since the last look, partial lines
 * kept for the next one). Files that existed before codex started are followed from their size at that
 * moment, so a resumed session's old turns never count. Interpretation is `rollout.ts`'s; nothing here
 * prints or decides.
 */

import { join } from "node:path";
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
  await walk(join(codexHome, "sessions"), 0);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

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
  let total = 0;
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null || n === 0) break;
    chunks.push(buffer.slice(0, n));
    total += n;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Watches one CODEX_HOME's rollouts from the moment {@link RolloutWatcher.start} was called. */
export class RolloutWatcher {
  readonly codexHome: string;
  #baseline: Map<string, number>;
  #followed = new Map<string, FollowedFile>();
  #latestRateLimits: RateLimitSnapshot | null = null;

  private constructor(codexHome: string, baseline: Map<string, number>) {
    this.codexHome = codexHome;
    this.#baseline = baseline;
  }

  /** Notes the size of every rollout present now; only what is appended later is reported. */
  static async start(codexHome: string): Promise<RolloutWatcher> {
    const files = await listRolloutFiles(codexHome);
    return new RolloutWatcher(codexHome, new Map(files.map((f) => [f.path, f.size])));
  }

  /** The rate limits Codex recorded most recently in any followed session (null: none yet). */
  get latestRateLimits(): RateLimitSnapshot | null {
    return this.#latestRateLimits;
  }

  /** The sessions codex wrote to since the start, by rollout path. */
  get touched(): { sessionId: string; rolloutPath: string }[] {
    return [...this.#followed].map(([rolloutPath, f]) => ({ sessionId: f.sessionId, rolloutPath }));
  }

  /** Reads what was appended since the last call and returns the turn ends found in it. */
  async poll(): Promise<ObservedTurnEnd[]> {
    const ends: ObservedTurnEnd[] = [];
    for (const file of await listRolloutFiles(this.codexHome)) {
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
