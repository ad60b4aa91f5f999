/**
 * @module
 * One shape for an upstream answer, whichever client fetched it: the HTTP/1.1 client (`http1_client.ts`)
 * or `fetch` (when that client cannot be used, or with `CAO_GATEWAY_STREAM_CLIENT=fetch`). The proxy reads
 * the status and headers, then takes the body exactly one way: chunk by chunk (`reader()`, to read the first
 * SSE events), as text (error answers), or untouched (`passThrough()`, which for a `fetch` body keeps Deno's
 * native copy with no JavaScript per chunk).
 */

import { concatBytes } from "../shared/bytes.ts";
import type { Http1Answer } from "./http1_client.ts";
import { type ChunkReader, chunkReader } from "./sse_relay.ts";

/** The headers of an answer (a `Headers`, or the HTTP/1.1 client's list). */
export interface AnswerHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
  forEach(callback: (value: string, name: string) => void): void;
}

/** An upstream answer. */
export interface UpstreamAnswer {
  status: number;
  /** 2xx. */
  ok: boolean;
  headers: AnswerHeaders;
  /** The body chunk by chunk, or null when there is none. */
  reader(): ChunkReader | null;
  /** The body to hand to the client as it is, or null when there is none. */
  passThrough(): ReadableStream<Uint8Array> | null;
  /** The whole body as text ("" when it cannot be read). */
  text(): Promise<string>;
  /** Drops the body. */
  cancel(): Promise<void>;
}

/** A `fetch` answer. */
export function fetchAnswer(response: Response): UpstreamAnswer {
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    reader: () => response.body ? chunkReader(response.body) : null,
    passThrough: () => response.body,
    text: () => response.text().catch(() => ""),
    cancel: async () => {
      await response.body?.cancel().catch(() => {});
    },
  };
}

/** A stream over `reader`, pulled as the client reads (one chunk per pull). */
export function readerStream(reader: ChunkReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await reader.read();
      if (chunk === null) controller.close();
      else controller.enqueue(chunk);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

const decoder = new TextDecoder();

/** `content-encoding` values the gateway can decode (the HTTP/1.1 client asks for none, but may get one). */
const DECODABLE: Record<string, CompressionFormat> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli" as CompressionFormat,
};

/** Whether the body of an HTTP/1.1 answer can be decoded (identity, or one of {@link DECODABLE}). Pure. */
export function decodableEncoding(encoding: string | null): boolean {
  const value = (encoding ?? "").trim().toLowerCase();
  return value === "" || value === "identity" || Object.hasOwn(DECODABLE, value);
}

/** An answer of the HTTP/1.1 client (its body decoded when it came compressed). */
export function http1Answer(answer: Http1Answer): UpstreamAnswer {
  const encoding = (answer.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const format = Object.hasOwn(DECODABLE, encoding) ? DECODABLE[encoding] : undefined;
  const body = format
    ? chunkReader(
      (readerStream(answer.body) as ReadableStream<BufferSource>).pipeThrough(
        new DecompressionStream(format),
      ),
    )
    : answer.body;
  return {
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    headers: answer.headers,
    reader: () => body,
    passThrough: () => readerStream(body),
    text: async () => {
      const parts: Uint8Array[] = [];
      try {
        for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) parts.push(chunk);
      } catch {
        await body.cancel();
        return "";
      }
      return decoder.decode(concatBytes(parts));
    },
    cancel: () => body.cancel(),
  };
}
