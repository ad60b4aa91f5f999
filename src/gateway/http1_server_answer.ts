/**
 * @module
 * How the gateway's HTTP/1.1 server (`http1_server.ts`) writes an answer to a client connection: the head,
 * then the body as chunks — a relayed stream (`sse_relay.ts`) driven directly, any other body read from its
 * stream — chunked to an HTTP/1.1 client (a chunked upstream's chunks as they came, the relay driving them
 * with one write per upstream read), until the connection closes to an HTTP/1.0 one. A body that breaks
 * ends the connection without the last chunk, so the client sees it; a write that fails, or the client
 * closing its connection, cancels the body.
 */

import { concatBytes } from "../shared/bytes.ts";
import type { ClientConnection } from "./http1_server_conn.ts";
import { type GatewayAnswer, RelayedAnswer } from "./relayed_answer.ts";
import {
  bodyless,
  ChunkFramer,
  frameChunk,
  httpDate,
  LAST_CHUNK,
  responseHead,
} from "./http1_server_wire.ts";

/** Every field of `headers` in order, each `set-cookie` on its own line. */
function fieldsOf(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of headers) if (name !== "set-cookie") out.push([name, value]);
  for (const cookie of headers.getSetCookie()) out.push(["set-cookie", cookie]);
  return out;
}

/** Writes `answer`; resolves whether the connection can carry the next request. */
export async function respond(
  client: ClientConnection,
  answer: GatewayAnswer,
  head: { method: string; minor: 0 | 1 },
  keepAlive: boolean,
  gone: AbortSignal,
): Promise<boolean> {
  const relayed = answer instanceof RelayedAnswer;
  const fields = relayed ? Object.entries(answer.headers) : fieldsOf(answer.headers);
  const body = relayed ? null : answer.body;
  if (bodyless(head.method, answer.status) || (!relayed && body === null)) {
    await (relayed ? answer.relay.cancel() : body?.cancel())?.catch(() => {});
    const framing = bodyless(head.method, answer.status) ? "none" : "empty";
    await client.write(responseHead(answer.status, fields, framing, keepAlive, httpDate()));
    return keepAlive;
  }
  const chunked = head.minor === 1;
  if (!chunked) keepAlive = false;
  const source = relayed ? relaySource(answer) : streamSource(body!);
  // The client closing its connection cancels the body, as `Deno.serve` does (a relay then ends as
  // "client gone" and cancels its upstream).
  const cancel = () => void source.cancel(gone.reason).catch(() => {});
  if (gone.aborted) {
    cancel();
    return false;
  }
  gone.addEventListener("abort", cancel);
  const frame = (chunk: Uint8Array) => chunked ? frameChunk(chunk) : chunk;
  const framer = chunked ? new ChunkFramer() : null;
  // The head leaves with the first chunks: what the relay read before it began, else the first one read.
  let out: Uint8Array[] = [
    responseHead(answer.status, fields, chunked ? "chunked" : "until-close", keepAlive, httpDate()),
  ];
  for (const chunk of source.first) if (chunk.byteLength > 0) out.push(frame(chunk));
  // When the upstream's answer has been read to its end, the last chunk leaves with the bytes before it.
  let lastSent = false;
  const endsHere = () => chunked && !lastSent && (source.atEnd?.() ?? false);
  const endIfAtEnd = () => {
    if (!endsHere()) return;
    out.push(LAST_CHUNK);
    lastSent = true;
  };
  try {
    if (out.length > 1) {
      endIfAtEnd();
      await client.write(concatBytes(out));
      out = [];
    }
    // To a chunked client, a relay hands on the upstream's own chunks as they came, once it can.
    const framedFrom = chunked ? source.nextFramed : undefined;
    // And once it can, the relay drives the rest itself, one write per upstream read.
    const pump = chunked ? source.pumpFramed : undefined;
    const writeFramed = (bytes: Uint8Array, last: boolean): Promise<void> => {
      if (!last) return client.write(bytes);
      lastSent = true;
      return client.write(concatBytes([bytes, LAST_CHUNK]));
    };
    for (;;) {
      const pumping = pump !== undefined && out.length === 0 ? pump(writeFramed) : null;
      if (pumping !== null) {
        try {
          await pumping;
        } catch {
          return false; // the body broke (the connection ends without the last chunk) or the client is gone
        }
        if (!lastSent) await client.write(LAST_CHUNK);
        return keepAlive;
      }
      let chunk;
      let framed: Promise<Uint8Array | null> | null = null;
      try {
        framed = framedFrom !== undefined ? framedFrom() : null;
        chunk = await (framed ?? source.next());
      } catch {
        return false; // the body broke: end the connection without the last chunk, so the client sees it
      }
      if (chunk === null) {
        if (chunked && !lastSent) out.push(LAST_CHUNK);
        if (out.length > 0) await client.write(concatBytes(out));
        return keepAlive;
      }
      if (chunk.byteLength === 0) continue;
      if (out.length === 0 && !endsHere()) {
        await client.write(framed !== null ? chunk : framer ? framer.frame(chunk) : chunk);
        continue;
      }
      // The head, when no chunk was at hand before the relay began; or the last chunk after this one.
      out.push(framed !== null ? chunk : frame(chunk));
      endIfAtEnd();
      await client.write(concatBytes(out));
      out = [];
    }
  } catch (error) {
    await source.cancel(error).catch(() => {});
    return false;
  } finally {
    gone.removeEventListener("abort", cancel);
  }
}

/** An answer's body as chunks: a relay (`sse_relay.ts`) is driven directly, any other stream is read. */
interface BodySource {
  /** Chunks at hand before the first {@link next}. */
  first: Uint8Array[];
  next(): Promise<Uint8Array | null>;
  /** A relay's `nextFramed` (`sse_relay.ts`): the next bytes already chunk-framed, or null (use next). */
  nextFramed?: () => Promise<Uint8Array | null> | null;
  /** A relay's `pumpFramed` (`sse_relay.ts`): the rest of the stream, driven by the relay; null: step on. */
  pumpFramed?: (write: (bytes: Uint8Array, last: boolean) => Promise<void>) => Promise<void> | null;
  /** A relay's `atEnd`: the next {@link next} gives null. */
  atEnd?: () => boolean;
  cancel(reason: unknown): Promise<void>;
}

function relaySource({ relay }: RelayedAnswer): BodySource {
  // Each chunk is framed (copied) or written before the next is asked for: the relay need not copy it out
  // of its buffer.
  return {
    first: relay.takeBuffered(),
    next: () => relay.nextView(),
    nextFramed: () => relay.nextFramed(),
    pumpFramed: (write) => relay.pumpFramed(write),
    atEnd: () => relay.atEnd(),
    cancel: (reason) => relay.cancel(reason),
  };
}

function streamSource(body: ReadableStream<Uint8Array>): BodySource {
  const reader = body.getReader();
  return {
    first: [],
    next: async () => {
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}
