/**
 * @module
 * Reads a server-sent-event stream in tests: {@link SseReader.next} waits for the next event that satisfies a
 * condition (bounded, so a broken stream fails the test instead of hanging). Test-only.
 */

import { within } from "./wait.ts";

/** One event. */
export interface SseEvent {
  event: string;
  data: string;
}

/** A reader over a `text/event-stream` body. */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  /** True once the server ended the stream. */
  ended = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  async #read(): Promise<SseEvent | null> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const event = { event: "message", data: "" };
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length === 0) continue;
        event.data = data.join("\n");
        return event;
      }
      const chunk = await this.#reader.read();
      if (chunk.done) {
        this.ended = true;
        return null;
      }
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next event for which `accept` holds (null: the stream ended first). */
  async next(accept: (event: SseEvent) => boolean, what: string, ms = 15_000): Promise<SseEvent | null> {
    return await within(
      (async () => {
        for (;;) {
          const event = await this.#read();
          if (event === null || accept(event)) return event;
        }
      })(),
      ms,
      what,
    );
  }

  /** Stops reading. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}
