/**
 * @module
 * The streaming edge of the gateway: read the first SSE events of an upstream answer, decide whether it is a
 * usage limit before anything reaches Codex ({@link sniffFirstEvents}), and then hand the stream through
 * ({@link directRelay}) with no per-chunk work beyond one hand-over and an activity mark. After the first
 * events, SSE text is never decoded again; to a chunked client, the upstream's own chunks go as they came,
 * the relay driving them itself once it can (`pumpFramed`: one async frame for the rest of the stream).
 */

import { classifySseText, normaliseLineEnds, type UsageLimitInfo } from "./upstream_verdict.ts";

/** Reads an upstream body chunk by chunk; null at the end. */
export interface ChunkReader {
  read(): Promise<Uint8Array | null>;
  /** Optional: {@link read} without the copy: the chunk is valid until the next read. */
  readView?(): Promise<Uint8Array | null>;
  /** Optional: whether the rest can be read by {@link readFramed} (a chunked upstream body). */
  framedFromHere?(): boolean;
  /**
   * Optional: the next bytes of the body in its own chunked framing, as they came (valid until the next
   * read); null at the last chunk. Once called, the rest is read by it.
   */
  readFramed?(): Promise<Uint8Array | null>;
  /** Optional: whether the body has been read to its end (the next read gives null). */
  atEnd?(): boolean;
  /**
   * Optional: the rest read as {@link readFramed} gives it, each read's bytes handed to `sink` (valid until
   * its promise settles; `last`: the body ends with them) before the next read; `onWait` before each read.
   * Resolves at the end; rejects when the body or the sink failed.
   */
  pumpFramed?(onWait: () => void, sink: (bytes: Uint8Array, last: boolean) => Promise<void>): Promise<void>;
  cancel(reason?: unknown): Promise<void>;
}

/** Size of the buffer each upstream read fills. */
const READ_BUFFER_BYTES = 16 * 1024;

/**
 * A reader over `body`. Byte streams (fetch bodies) are read into one reused 16 KiB buffer and each chunk is
 * copied out at its own size: the default reader would hand out a fresh 64 KiB buffer per chunk, which for
 * SSE's small chunks means hundreds of MiB of garbage per second under load.
 */
export function chunkReader(body: ReadableStream<Uint8Array>): ChunkReader {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch { /* not a byte stream */ }
  if (byob !== null) {
    const reader = byob;
    let buffer: ArrayBuffer = new ArrayBuffer(READ_BUFFER_BYTES);
    return {
      async read() {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || value === undefined) return null;
        buffer = value.buffer as ArrayBuffer;
        return value.slice();
      },
      cancel: (reason) => reader.cancel(reason).catch(() => {}),
    };
  }
  const reader = body.getReader();
  return {
    async read() {
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  };
}

/** The outcome of reading the first events. */
export type SniffResult =
  /** The upstream refused the request in-stream because of a usage limit; nothing was sent to the client. */
  | { kind: "limit"; info: UsageLimitInfo }
  /** The answer can go to the client: the chunks read so far, and whether the stream already ended. */
  | { kind: "commit"; buffered: Uint8Array[]; done: boolean };

/** Stop looking after this many bytes without a decision (the answer is then passed through). */
export const SNIFF_LIMIT_BYTES = 256 * 1024;

/**
 * Reads chunks until the first event that commits the answer (anything after `response.created`), a usage
 * limit, the end of the stream, or {@link SNIFF_LIMIT_BYTES}. Rejects when the upstream stream errors.
 */
export async function sniffFirstEvents(
  reader: ChunkReader,
  now: () => Date,
  onChunk?: () => void,
): Promise<SniffResult> {
  const buffered: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const value = await reader.read();
    if (value === null) return { kind: "commit", buffered, done: true };
    onChunk?.();
    buffered.push(value);
    bytes += value.byteLength;
    text = normaliseLineEnds(text + decoder.decode(value, { stream: true }));
    const { verdict, consumed } = classifySseText(text, now());
    if (verdict.kind === "usage-limit") return { kind: "limit", info: verdict };
    if (verdict.kind === "commit") return { kind: "commit", buffered, done: false };
    if (consumed > 0) text = text.slice(consumed);
    if (bytes >= SNIFF_LIMIT_BYTES) return { kind: "commit", buffered, done: false };
  }
}

/** How a relayed stream ended. */
export type RelayEnd = "completed" | "client-gone" | "upstream-failed";

/** Callbacks of {@link directRelay}. */
export interface RelayHooks {
  /** Called per chunk once it is handed to the client (keep it trivial). */
  onChunk(): void;
  /** Called before each read of the upstream, when the client asked for more (keep it trivial). */
  onWait?(): void;
  /** Called once when the relay ends. */
  onEnd(end: RelayEnd, error?: unknown): void;
}

/**
 * A relayed answer as a server can drive it without a `ReadableStream` in between (`http1_server.ts`): the
 * chunks already read, then {@link next} until null; {@link cancel} when the client went away. The hooks
 * run as they do through the stream.
 */
export interface DirectRelay {
  /** The chunks read before the relay began (the sniffed first events); taken once. */
  takeBuffered(): Uint8Array[];
  /** The next chunk for the client, or null at the end; rejects when the upstream failed. */
  next(): Promise<Uint8Array | null>;
  /**
   * {@link next} for a caller that copies each chunk before it asks for the next one (the server frames it):
   * the chunk may be a view of the reader's buffer, valid until the next call.
   */
  nextView(): Promise<Uint8Array | null>;
  /**
   * For a chunked client: the rest of the stream in the upstream's own chunk framing, passed on as it came
   * (no decoding, no copy), the next bytes of it valid until the next call; null at the last chunk, which
   * the caller writes. Returns null instead of a promise when the upstream's framing cannot be passed on
   * from here (then use {@link nextView}, and ask again before the next chunk).
   */
  nextFramed(): Promise<Uint8Array | null> | null;
  /**
   * {@link nextFramed} driven by the relay to the end of the stream: each read's bytes go to `write` (valid
   * until its promise settles; `last`: the stream ends with them, its last chunk the caller's to write), and
   * the next read waits for it. Resolves when the stream completed; rejects when the upstream failed, or
   * when `write` did (the relay then ends as "client-gone" and cancels the upstream). null where
   * {@link nextFramed} would be, or when the reader cannot be driven so (then step with the others).
   */
  pumpFramed(write: (bytes: Uint8Array, last: boolean) => Promise<void>): Promise<void> | null;
  /**
   * Whether the upstream's answer has been read to its end, so that the next call gives null: the server
   * then sends the last chunk with the bytes before it, in one write.
   */
  atEnd(): boolean;
  /** The client went away: ends the relay as "client-gone" and cancels the upstream. */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * A relay of the buffered chunks, then the rest of `reader`, chunk for chunk, for a server to drive
 * (`http1_server.ts` through a `RelayedAnswer`); {@link streamOf} makes a `ReadableStream` of it.
 */
export function directRelay(
  buffered: Uint8Array[],
  done: boolean,
  reader: ChunkReader,
  hooks: RelayHooks,
): DirectRelay {
  let ended = false;
  const end = (how: RelayEnd, error?: unknown) => {
    if (ended) return;
    ended = true;
    hooks.onEnd(how, error);
  };
  let pending: Uint8Array[] | null = buffered;
  let finished = done;
  // Made once, not per chunk: a stream's chunks are many (no async frame or closures per read).
  const took = (chunk: Uint8Array | null): Uint8Array | null => {
    if (chunk === null) {
      finished = true;
      end("completed");
      return null;
    }
    hooks.onChunk();
    return chunk;
  };
  const failedWith = (error: unknown): never => {
    end("upstream-failed", error);
    throw error;
  };
  const readCopy = () => reader.read();
  const readView = reader.readView ? () => reader.readView!() : readCopy;
  const readFramed = reader.readFramed ? () => reader.readFramed!() : null;
  const next = (read: () => Promise<Uint8Array | null>): Promise<Uint8Array | null> => {
    if (finished) {
      end("completed");
      return Promise.resolve(null);
    }
    hooks.onWait?.();
    let reading: Promise<Uint8Array | null>;
    try {
      reading = read();
    } catch (error) {
      end("upstream-failed", error);
      return Promise.reject(error);
    }
    return reading.then(took, failedWith);
  };
  return {
    takeBuffered() {
      const chunks = pending ?? [];
      pending = null;
      if (finished) end("completed");
      return chunks;
    },
    next: () => next(readCopy),
    nextView: () => next(readView),
    nextFramed: () =>
      readFramed !== null && (finished || (reader.framedFromHere?.() ?? false)) ? next(readFramed) : null,
    atEnd: () => finished || (reader.atEnd?.() ?? false),
    pumpFramed(write) {
      if (reader.pumpFramed === undefined || finished || !(reader.framedFromHere?.() ?? false)) return null;
      // The reader reads again only once a write has settled: when it fails, the last write tells whose
      // failure it was (asked once, at the end; no handler per write).
      let lastWrite = Promise.resolve();
      const sink = (bytes: Uint8Array, last: boolean) => {
        hooks.onChunk();
        return lastWrite = write(bytes, last);
      };
      return reader.pumpFramed(hooks.onWait ?? noWait, sink).then(() => {
        finished = true;
        end("completed");
      }, async (error) => {
        if (await lastWrite.then(() => true, () => false)) {
          end("upstream-failed", error);
          throw error;
        }
        end("client-gone", error);
        await reader.cancel(error).catch(() => {});
        throw error;
      });
    },
    cancel(reason) {
      end("client-gone", reason);
      return reader.cancel(reason);
    },
  };
}

const noWait = () => {};

/** `relay` as a client-facing body (for `Deno.serve`), pulled one chunk at a time. */
export function streamOf(relay: DirectRelay): ReadableStream<Uint8Array> {
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false;
        const chunks = relay.takeBuffered();
        for (const chunk of chunks) controller.enqueue(chunk);
        if (chunks.length > 0) return;
      }
      let chunk: Uint8Array | null;
      try {
        chunk = await relay.next();
      } catch (error) {
        controller.error(error);
        return;
      }
      if (chunk === null) controller.close();
      else controller.enqueue(chunk);
    },
    cancel: (reason) => relay.cancel(reason),
  }, { highWaterMark: 0 });
}
