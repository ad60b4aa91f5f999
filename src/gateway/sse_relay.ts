/**
 * @module
 * The streaming edge of the gateway: read the first SSE events of an upstream answer, decide whether it is a
 * usage limit before anything reaches Codex ({@link sniffFirstEvents}), and then hand the stream through
 * ({@link relayStream}) with no per-chunk work beyond one enqueue and an activity mark. Bytes are never
 * decoded after the first events and never re-encoded.
 */

import {
  classifyEarlyEvent,
  parseEventData,
  takeSseEvents,
  type UsageLimitInfo,
} from "./upstream_verdict.ts";

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
  reader: ReadableStreamDefaultReader<Uint8Array>,
  now: () => Date,
  onChunk?: () => void,
): Promise<SniffResult> {
  const buffered: Uint8Array[] = [];
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { kind: "commit", buffered, done: true };
    onChunk?.();
    buffered.push(value);
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    const { events, rest } = takeSseEvents(text);
    text = rest;
    for (const data of events) {
      const verdict = classifyEarlyEvent(parseEventData(data), now());
      if (verdict.kind === "usage-limit") return { kind: "limit", info: verdict };
      if (verdict.kind === "commit") return { kind: "commit", buffered, done: false };
    }
    if (bytes >= SNIFF_LIMIT_BYTES) return { kind: "commit", buffered, done: false };
  }
}

/** How a relayed stream ended. */
export type RelayEnd = "completed" | "client-gone" | "upstream-failed";

/** Callbacks of {@link relayStream}. */
export interface RelayHooks {
  /** Called per chunk (keep it trivial). */
  onChunk(): void;
  /** Called once when the relay ends. */
  onEnd(end: RelayEnd, error?: unknown): void;
}

/** The client-facing body: the buffered chunks, then the rest of `reader`, chunk for chunk. */
export function relayStream(
  buffered: Uint8Array[],
  done: boolean,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  hooks: RelayHooks,
): ReadableStream<Uint8Array> {
  let ended = false;
  const end = (how: RelayEnd, error?: unknown) => {
    if (ended) return;
    ended = true;
    hooks.onEnd(how, error);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of buffered) controller.enqueue(chunk);
      if (done) {
        controller.close();
        end("completed");
      }
    },
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        end("upstream-failed", error);
        controller.error(error);
        return;
      }
      if (result.done) {
        controller.close();
        end("completed");
        return;
      }
      hooks.onChunk();
      controller.enqueue(result.value);
    },
    cancel(reason) {
      end("client-gone", reason);
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
