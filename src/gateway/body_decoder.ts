/**
 * @module
 * The body framing of an HTTP/1.1 answer, taken off whole socket reads: `Transfer-Encoding: chunked`,
 * `Content-Length`, or until the connection closes. A read's payload comes out as one buffer, a copy or a
 * view of the read ({@link BodyDecoder.decode}, {@link BodyDecoder.decodeInPlace}), so a read holding many
 * SSE events costs at most one copy. A chunked body can also be passed on in its own framing
 * ({@link BodyDecoder.framed}): the bytes as they came, checked and never moved, without the last chunk and
 * its trailers. Nothing here touches a socket.
 */

/** How the body of an answer is delimited. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "chunked" }
  | { kind: "length"; length: number }
  | { kind: "until-close" };

/** What one {@link BodyDecoder.decode} call found. */
export interface Decoded {
  /** The payload bytes of this read (a copy, or a view of the read with `view`), or null when it held none. */
  data: Uint8Array | null;
  /** The body is complete. */
  done: boolean;
  /** Bytes after the end of the body (nonzero: the peer sent more than the answer). */
  excess: number;
}

const SIZE = 0, EXTENSION = 1, SIZE_LF = 2, DATA = 3, DATA_CR = 4, DATA_LF = 5, TRAILER = 6, TRAILER_LF = 7;
/** A size line longer than this (its extensions, really) is refused when it must be carried across reads. */
const MAX_SIZE_LINE = 4096;

/** `line`, the start of a size line kept for the next read; longer than {@link MAX_SIZE_LINE}, it throws. */
function heldLine(line: Uint8Array): Uint8Array {
  if (line.byteLength > MAX_SIZE_LINE) throw new Error("chunk size line too long");
  return line;
}

/** `before` then `bytes`, in a new buffer. */
function joined(before: Uint8Array | null, bytes: Uint8Array): Uint8Array {
  const length = (before?.byteLength ?? 0) + bytes.byteLength;
  const out = new Uint8Array(length);
  if (before !== null) out.set(before);
  out.set(bytes, before?.byteLength ?? 0);
  return out;
}

/** Removes the body framing from successive socket reads. */
export class BodyDecoder {
  readonly #chunked: boolean;
  readonly #untilClose: boolean;
  #state = SIZE;
  #size = 0;
  #digits = 0;
  #remaining: number;
  #lineLength = 0;
  #done: boolean;
  #excess = 0;
  /** {@link framed}: the start of a size line the last read ended in (passed on once the line is whole). */
  #held: Uint8Array | null = null;

  constructor(framing: BodyFraming) {
    this.#chunked = framing.kind === "chunked";
    this.#untilClose = framing.kind === "until-close";
    this.#remaining = framing.kind === "length" ? framing.length : 0;
    this.#done = framing.kind === "none";
  }

  /** The body has been read to its end. */
  get done(): boolean {
    return this.#done;
  }

  /** Whether the peer closing the connection now ends the body normally. */
  get endsAtClose(): boolean {
    return this.#untilClose;
  }

  /** Bytes after the end of the body in the last read (nonzero: the peer sent more). */
  get excess(): number {
    return this.#excess;
  }

  /** A chunked body, between two chunks (or before the first): {@link framed} can take over from here. */
  get atChunkStart(): boolean {
    return this.#chunked && !this.#done && this.#state === SIZE && this.#digits === 0 && this.#held === null;
  }

  /**
   * Decodes one read. `src` is the caller's scratch buffer: the payload is compacted in place, then copied
   * out as one buffer, so the read costs one allocation however many chunks it holds; with `view`, it is
   * handed out in place (valid until `src` is reused) and costs none. Throws on broken chunk framing.
   */
  decode(src: Uint8Array, view = false): Decoded {
    const out = this.decodeInPlace(src, src.byteLength);
    const data = out === 0 ? null : view ? src.subarray(0, out) : src.slice(0, out);
    return { data, done: this.#done, excess: this.#excess };
  }

  /**
   * Decodes the read `src[0, n)` in place: its payload is moved to the front of `src`, and its length is
   * returned (no allocation); {@link done} and {@link excess} tell what else the read held.
   */
  decodeInPlace(src: Uint8Array, n: number): number {
    if (this.#done) {
      this.#excess = n;
      return 0;
    }
    this.#excess = 0;
    if (this.#untilClose) return n;
    if (!this.#chunked) {
      const take = Math.min(this.#remaining, n);
      this.#remaining -= take;
      this.#done = this.#remaining === 0;
      this.#excess = n - take;
      return take;
    }
    return this.#scan(src, n, true);
  }

  /**
   * The read `src[0, n)` of a chunked body as it can go on to a chunked recipient: its bytes as they are
   * (a view of `src`), checked by the same rules as {@link decode}. A size line the read ends in is held
   * back and goes out with the next read (then as a new buffer); the last chunk and the trailers after it
   * never go (the recipient writes its own last chunk). Null when nothing of the read can go yet. Start it
   * only where {@link atChunkStart} holds, and read the rest of the body by it.
   */
  framed(src: Uint8Array, n: number): Uint8Array | null {
    if (this.#done) {
      this.#excess = n;
      return null;
    }
    const end = this.#scan(src, n, false);
    const held = this.#held;
    this.#held = null;
    if (end < 0) {
      // All of the read is in the size line the held bytes begin (or it ended as the last chunk's: dropped).
      if (this.#inSizeLine()) this.#held = heldLine(joined(held, src.subarray(0, n)));
      return null;
    }
    if (this.#inSizeLine()) this.#held = heldLine(src.slice(end, n));
    if (end === 0) return null;
    return held === null ? src.subarray(0, end) : joined(held, src.subarray(0, end));
  }

  /** Inside a size line, not yet whole (the body not at its end). */
  #inSizeLine(): boolean {
    const state = this.#state;
    return !this.#done && (state === EXTENSION || state === SIZE_LF || (state === SIZE && this.#digits > 0));
  }

  /**
   * The chunked state machine over `src[0, n)`. `compact`: moves the payload to the front of `src` and
   * returns its length. Otherwise: returns where the bytes that can be passed on end (before the size line
   * the read ends in, or before the last chunk's size line; -1 when that line began in an earlier read).
   */
  #scan(src: Uint8Array, n: number, compact: boolean): number {
    let state = this.#state;
    let size = this.#size;
    let digits = this.#digits;
    let remaining = this.#remaining;
    let lineLength = this.#lineLength;
    let done = false;
    let out = 0;
    let i = 0;
    // Where the size line being read began in `src` (-1: in an earlier read); where passing on stops.
    let line = state === SIZE && digits === 0 ? 0 : -1;
    let stop = state === TRAILER || state === TRAILER_LF ? 0 : -2;
    while (i < n && !done) {
      if (state === DATA) {
        const take = remaining < n - i ? remaining : n - i;
        if (compact && out !== i) src.copyWithin(out, i, i + take);
        out += take;
        i += take;
        remaining -= take;
        if (remaining === 0) state = DATA_CR;
        continue;
      }
      const b = src[i++];
      switch (state) {
        case SIZE: {
          const digit = b >= 48 && b <= 57
            ? b - 48
            : b >= 97 && b <= 102
            ? b - 87
            : b >= 65 && b <= 70
            ? b - 55
            : -1;
          if (digit >= 0) {
            if (++digits > 12) throw new Error("chunk size too large");
            size = size * 16 + digit;
          } else if (b === 13) state = SIZE_LF;
          else if (b === 59 || b === 32 || b === 9) state = EXTENSION;
          else throw new Error("malformed chunk size");
          break;
        }
        case EXTENSION:
          if (b === 13) state = SIZE_LF;
          break;
        case SIZE_LF:
          if (b !== 10 || digits === 0) throw new Error("malformed chunk size");
          digits = 0;
          remaining = size;
          size = 0;
          lineLength = 0;
          state = remaining === 0 ? TRAILER : DATA;
          if (remaining === 0 && stop === -2) stop = line;
          break;
        case DATA_CR:
          if (b !== 13) throw new Error("malformed chunk end");
          state = DATA_LF;
          break;
        case DATA_LF:
          if (b !== 10) throw new Error("malformed chunk end");
          state = SIZE;
          line = i;
          break;
        case TRAILER:
          if (b === 13) state = TRAILER_LF;
          else lineLength++;
          break;
        case TRAILER_LF:
          if (b !== 10) throw new Error("malformed trailer");
          if (lineLength === 0) done = true;
          lineLength = 0;
          state = TRAILER;
          break;
      }
    }
    this.#state = state;
    this.#size = size;
    this.#digits = digits;
    this.#remaining = remaining;
    this.#lineLength = lineLength;
    this.#done = done;
    this.#excess = n - i;
    if (compact) return out;
    if (stop !== -2) return stop;
    const open = state === EXTENSION || state === SIZE_LF || (state === SIZE && digits > 0);
    return open ? line : n;
  }
}
