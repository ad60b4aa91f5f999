/**
 * @module
 * One read of a file where two parts of a command want it: a look-ahead (the home preflight, which reads
 * `registry.json`, `account_status.json` and `gateway.json` to tell a CAO 1.4.2 home) keeps the text it read,
 * and the next reader of that path takes it instead of reading again — only while the file is still the one
 * it came from (same device, inode, size and modification time, asked with one `stat`), so a write by this
 * process or another in between is never missed. Each text is taken once.
 */

interface Ahead {
  text: string;
  info: Deno.FileInfo;
}

const ahead = new Map<string, Ahead>();

/** Reads `path` as text and keeps it for the next {@link takeReadAhead}; null when it cannot be read. */
export async function readAhead(path: string): Promise<string | null> {
  try {
    using file = await Deno.open(path, { read: true });
    const info = await file.stat(); // of the file read, whatever replaces it afterwards
    const text = decoder.decode(await readToEnd(file, info.size));
    ahead.set(path, { text, info });
    return text;
  } catch {
    ahead.delete(path);
    return null;
  }
}

const decoder = new TextDecoder();

/**
 * The rest of `file`, read into one buffer of the size its `stat` gave (grown if it grew meanwhile). Plain
 * reads: a `Response` over `file.readable` costs the stream machinery at start-up (≈ 10 ms of a gateway's
 * start, measured).
 */
async function readToEnd(file: Deno.FsFile, size: number): Promise<Uint8Array> {
  let buffer = new Uint8Array(size + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.byteLength) {
      const grown = new Uint8Array(buffer.byteLength * 2);
      grown.set(buffer);
      buffer = grown;
    }
    const n = await file.read(buffer.subarray(length));
    if (n === null) return buffer.subarray(0, length);
    length += n;
  }
}

function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size &&
    a.mtime?.getTime() === b.mtime?.getTime() &&
    a.isFile && b.isFile;
}

/** The text {@link readAhead} kept for `path` if the file has not changed since, else undefined (read it). */
export async function takeReadAhead(path: string): Promise<string | undefined> {
  const kept = ahead.get(path);
  if (kept === undefined) return undefined;
  ahead.delete(path);
  const now = await Deno.stat(path).catch(() => null);
  return now !== null && sameFile(now, kept.info) ? kept.text : undefined;
}
