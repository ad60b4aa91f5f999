/**
 * @module
 * One client connection of the gateway's HTTP/1.1 server (`http1_server.ts`): its socket, the bytes read and
 * not used yet, and at most one read in flight — the server starts one while an answer is made, to notice
 * the client closing the connection, and the next request's head is then read from where it left off.
 * Request heads and whole request bodies (`Content-Length` or chunked) are read here.
 */

import { concatBytes } from "../shared/bytes.ts";
import { BodyDecoder, type BodyFraming } from "./body_decoder.ts";
import { headEnd } from "./http1_wire.ts";
import { MAX_HEAD_BYTES, parseRequestHead, type RequestHead, WireError } from "./http1_server_wire.ts";

/** The largest request body taken (a larger one gets 413). */
const MAX_BODY_BYTES = 512 * 1024 * 1024;
/** The read buffer a connection starts with (a request head fits; it grows for a longer one). */
const READ_BYTES = 4 * 1024;
/** Less room than this after the unread bytes: they are moved to the front before the next read. */
const MIN_READ_BYTES = 1024;

/** One client connection: its socket, the bytes read and not yet used, and at most one read in flight. */
export class ClientConnection {
  buffer = new Uint8Array(READ_BYTES);
  start = 0;
  end = 0;
  eof = false;
  busy = false;
  #inflight: Promise<void> | null = null;
  constructor(readonly conn: Deno.Conn) {}

  /** Reads more bytes after `end` (one read at a time; a second call joins the first). */
  more(): Promise<void> {
    if (this.#inflight !== null) return this.#inflight;
    if (this.start === this.end) this.start = this.end = 0;
    else if (this.start > 0 && this.buffer.byteLength - this.end < MIN_READ_BYTES) {
      this.buffer.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === this.buffer.byteLength) {
      if (this.start > 0) {
        this.buffer.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      } else {
        const grown = new Uint8Array(this.buffer.byteLength * 2);
        grown.set(this.buffer);
        this.buffer = grown;
      }
    }
    return this.#inflight = this.conn.read(this.buffer.subarray(this.end)).then((n) => {
      this.#inflight = null;
      if (n === null) this.eof = true;
      else this.end += n;
    }, () => {
      this.#inflight = null;
      this.eof = true;
    });
  }

  /** The next request head, or null when the client closed the connection between requests. */
  async head(): Promise<RequestHead | null> {
    // Bytes from `start` already searched for the blank line (relative: `more()` may move the bytes).
    let searched = 0;
    for (;;) {
      const at = headEnd(this.buffer.subarray(0, this.end), this.start + searched);
      if (at >= 0) {
        if (at - this.start > MAX_HEAD_BYTES) throw new WireError(431, "request head too large");
        const head = parseRequestHead(this.buffer.subarray(this.start), at - this.start);
        this.start += head.headBytes;
        return head;
      }
      if (this.end - this.start > MAX_HEAD_BYTES) throw new WireError(431, "request head too large");
      if (this.eof) {
        if (this.end > this.start) throw new WireError(400, "the connection closed inside a request head");
        return null;
      }
      searched = Math.max(0, this.end - this.start - 3);
      await this.more();
    }
  }

  /** The request body, read whole. */
  async body(framing: BodyFraming): Promise<Uint8Array<ArrayBuffer> | null> {
    if (framing.kind === "none" || framing.kind === "until-close") return null;
    if (framing.kind === "length") {
      if (framing.length > MAX_BODY_BYTES) throw new WireError(413, "request body too large");
      const out = new Uint8Array(framing.length);
      let got = 0;
      while (got < out.byteLength) {
        if (this.end > this.start) {
          const take = Math.min(out.byteLength - got, this.end - this.start);
          out.set(this.buffer.subarray(this.start, this.start + take), got);
          this.start += take;
          got += take;
        } else if (this.eof) {
          throw new WireError(400, "the connection closed inside a request body");
        } else if (this.#inflight === null && out.byteLength - got >= READ_BYTES) {
          // A large body is read straight into its own buffer (no read of the socket is in flight).
          const n = await this.conn.read(out.subarray(got)).catch(() => null);
          if (n === null) this.eof = true;
          else got += n;
        } else await this.more();
      }
      return out;
    }
    const decoder = new BodyDecoder(framing);
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let size = 0;
    for (;;) {
      if (this.end > this.start) {
        const src = this.buffer.subarray(this.start, this.end);
        let decoded;
        try {
          decoded = decoder.decode(src);
        } catch (error) {
          throw new WireError(400, (error as Error).message);
        }
        this.start = this.end - decoded.excess;
        if (decoded.data !== null) {
          parts.push(decoded.data as Uint8Array<ArrayBuffer>);
          size += decoded.data.byteLength;
          if (size > MAX_BODY_BYTES) throw new WireError(413, "request body too large");
        }
        if (decoded.done) break;
      }
      if (this.eof) throw new WireError(400, "the connection closed inside a request body");
      await this.more();
    }
    return concatBytes(parts);
  }

  /** Writes `bytes` whole; one write at a time (an answer's writes follow each other). */
  write(bytes: Uint8Array): Promise<void> {
    this.#writing = bytes;
    return this.conn.write(bytes).then(this.#wrote);
  }

  #writing: Uint8Array = new Uint8Array(0);
  // Made once, not per write: a streamed answer's writes are many.
  readonly #wrote = (n: number): Promise<void> | undefined =>
    n < this.#writing.byteLength ? this.#rest(this.#writing, n) : undefined;

  async #rest(bytes: Uint8Array, at: number): Promise<void> {
    while (at < bytes.byteLength) at += await this.conn.write(bytes.subarray(at));
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}
