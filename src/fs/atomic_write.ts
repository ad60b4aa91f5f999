/**
 * @module
 * Atomic file replacement: write a temp file in the same directory, fsync it, rename it over the target.
 * A reader (or a crash) sees the old file or the new one, never half of one.
 */

import { basenameOf, dirnameOf, joinPath } from "./path.ts";

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o600: cao's files are private). */
  mode?: number;
}

/** Replaces `path` with `content` atomically, with the given mode. */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const suffix = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const temp = joinPath(dirnameOf(path), `.${basenameOf(path)}.tmp-${suffix}`);
  const file = await Deno.open(temp, { write: true, createNew: true, mode });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    await file.sync();
  } catch (error) {
    file.close();
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  file.close();
  try {
    if (Deno.build.os !== "windows") await Deno.chmod(temp, mode);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Writes a JSON document atomically (pretty, trailing newline). */
export async function writeJsonAtomic(
  path: string,
  value: unknown,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n", options);
}
