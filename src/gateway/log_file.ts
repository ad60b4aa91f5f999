/**
 * @module
 * The log of a detached gateway (`<cao home>/gateway.log`, 0600, appended; moved to `gateway.log.1` once it
 * passes 5 MiB when a gateway opens it): opening it, writing lines in order and in batches (one write for
 * all the lines of a busy moment; a foreground gateway's stderr is batched the same way) without blocking
 * the gateway, the line that says why a gateway could not start, and reading back the last line a gateway
 * wrote after a given size (the parent quotes it when its child exits before answering). All I/O is async;
 * a failed write is dropped rather than taking the gateway down.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { CaoError } from "../shared/errors.ts";
import { redactSecrets } from "../shared/redact.ts";

/** A log grows to this size before a gateway that opens it moves it aside. */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

/** Where a detached gateway logs. */
export function gatewayLogPath(home: CaoHome): string {
  return home.paths.gatewayLog;
}

/** An open log: `write` queues one line, `close` waits for the queue and closes the file. */
export interface LogFile {
  write(line: string): void;
  close(): Promise<void>;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/**
 * Lines handed to `write` in batches, in order: what is queued before the next microtask (and while a write
 * runs) goes out as one text, so a busy gateway makes one write for many requests. A microtask, not a turn
 * of the event loop: a timer per batch (the only macrotask Deno has without loading its Node timers) costs
 * an `AbortSignal` and a `DOMException` with its stack each time, once per request at low load. A failed
 * write drops its lines rather than taking the gateway down.
 */
export function batchedLines(write: (text: string) => void | Promise<void>): LogFile {
  let pending = "";
  let flushing: Promise<void> | null = null;
  let closed: Promise<void> | null = null;
  const flush = async () => {
    await Promise.resolve();
    while (pending !== "") {
      const text = pending;
      pending = "";
      try {
        await write(text);
      } catch { /* a lost log line, not a stopped gateway */ }
    }
    flushing = null;
  };
  return {
    write(line) {
      if (closed !== null) return;
      pending += line + "\n";
      flushing ??= flush();
    },
    close() {
      closed ??= Promise.resolve(flushing).then(() => {});
      return closed;
    },
  };
}

/** Opens the log at `path` for appending (0600 when created), moving a log past the size limit aside first. */
export async function openLogFile(path: string): Promise<LogFile> {
  try {
    if ((await Deno.stat(path)).size > LOG_ROTATE_BYTES) await Deno.rename(path, `${path}.1`);
  } catch { /* no log yet */ }
  const file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
  const encoder = new TextEncoder();
  const lines = batchedLines((text) => writeAll(file, encoder.encode(text)));
  let closed: Promise<void> | null = null;
  return {
    write: (line) => lines.write(line),
    close() {
      closed ??= lines.close().then(() => file.close());
      return closed;
    },
  };
}

/** The log line telling why a gateway could not start (redacted; message and hint on one line). Pure. */
export function startFailureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof CaoError && error.hint ? ` (hint: ${error.hint})` : "";
  return redactSecrets(`error: ${message}${hint}`.replace(/\s*\n\s*/g, " "));
}

/** The size of the log now (0 when there is none), to read what a gateway writes after it. */
export async function logSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/** The last non-empty line written to `path` after byte `offset` (from the start when it was rotated). */
export async function lastLineSince(path: string, offset: number): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    return null;
  }
  const since = bytes.length >= offset ? bytes.subarray(offset) : bytes;
  const lines = new TextDecoder().decode(since).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.at(-1) ?? null;
}
