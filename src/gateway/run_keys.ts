/**
 * @module
 * Per-run gateway keys. `cao run --gateway` routes Codex with `-c openai_base_url=<gateway>/k/<key>`, and a
 * command line is readable by every local user (`ps`, `/proc/<pid>/cmdline`), so it must not carry the
 * long-lived gateway key. Instead cao asks the gateway for a key of its own (`POST /k/<key>/run-key`) and
 * holds that answer open while Codex runs: the body's first line is `{"key":"sk-cao-gw-run-…"}`, then
 * nothing more. The key is accepted for as long as that connection stays open; when the `cao run` ends, or
 * dies (the operating system closes its socket), the gateway forgets it, and stopping the gateway ends them
 * all. Keys live in this process's memory only, never on disk. Nothing here prints.
 */

import { newGatewayKey } from "./settings.ts";

/** Compares two strings in time independent of where they differ. Pure. */
export function sameKey(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A new per-run key (the `sk-cao-gw-` prefix keeps it redacted and recognised as a gateway URL). */
export function newRunKey(): string {
  return newGatewayKey().replace(/^sk-cao-gw-/, "sk-cao-gw-run-");
}

/** The per-run keys a gateway has handed out and still honours. */
export class RunKeys {
  readonly #open = new Map<string, ReadableStreamDefaultController<Uint8Array>>();

  /** How many runs hold a key now. */
  get size(): number {
    return this.#open.size;
  }

  /** Whether `key` is the key of a run whose connection is still open. */
  accepts(key: string): boolean {
    let found = false;
    for (const open of this.#open.keys()) found = sameKey(open, key) || found;
    return found;
  }

  /** The answer to `POST /run-key`: a new key on the first line, held open until the caller goes away. */
  open(): Response {
    const key = newRunKey();
    const open = this.#open;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        open.set(key, controller);
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ key }) + "\n"));
      },
      cancel() {
        open.delete(key);
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
    });
  }

  /** Ends every held answer (the gateway is stopping): no per-run key is accepted any more. */
  closeAll(): void {
    for (const controller of this.#open.values()) {
      try {
        controller.close();
      } catch { /* already closed */ }
    }
    this.#open.clear();
  }
}
