/**
 * @module
 * The HTTP/1.1 wire format the gateway's upstream client needs, as pure code over bytes: the request head
 * it writes, the response head it reads ({@link parseResponseHead}) and the body framing
 * ({@link BodyDecoder}: `Transfer-Encoding: chunked`, `Content-Length`, or until the connection closes).
 * The decoder takes whole socket reads and returns each read's payload as one buffer, so a read holding
 * many SSE events costs one copy and one hand-over. Nothing here touches a socket.
 */

/** Response headers in arrival order, lower-case names; the subset of `Headers` the gateway uses. */
export class HeaderList {
  readonly #pairs: [string, string][];
  constructor(pairs: [string, string][]) {
    this.#pairs = pairs;
  }
  /** The value of `name` (repeated fields joined with ", "), or null. */
  get(name: string): string | null {
    let found: string | null = null;
    for (const [n, v] of this.#pairs) if (n === name) found = found === null ? v : `${found}, ${v}`;
    return found;
  }
  has(name: string): boolean {
    for (const [n] of this.#pairs) if (n === name) return true;
    return false;
  }
  /** Every field, in order (a repeated field once per line, e.g. `set-cookie`). */
  forEach(callback: (value: string, name: string) => void): void {
    for (const [n, v] of this.#pairs) callback(v, n);
  }
}

/** How the body of an answer is delimited. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "chunked" }
  | { kind: "length"; length: number }
  | { kind: "until-close" };

/** A parsed response head. */
export interface ResponseHead {
  status: number;
  headers: HeaderList;
  framing: BodyFraming;
  /** The connection may carry another exchange after this one (HTTP/1.1 without `Connection: close`). */
  keepAlive: boolean;
  /** Bytes of the head including its blank line. */
  headBytes: number;
}

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** The request head plus body as the bytes to write (one buffer, one write, for bodies up to 1 MiB). Pure. */
export function requestBytes(
  method: string,
  target: string,
  host: string,
  headers: Record<string, string>,
  body: Uint8Array | null,
  extra?: Record<string, string>,
): Uint8Array[] {
  let head = `${method} ${target} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
  if (extra) { for (const name in extra) head += `${name}: ${extra[name]}\r\n`; }
  if (body !== null) head += `content-length: ${body.byteLength}\r\n`;
  head += "\r\n";
  const bytes = encoder.encode(head);
  if (body === null || body.byteLength === 0) return [bytes];
  if (body.byteLength > 1024 * 1024) return [bytes, body];
  const all = new Uint8Array(bytes.byteLength + body.byteLength);
  all.set(bytes);
  all.set(body, bytes.byteLength);
  return [all];
}

/** Index of the first CRLFCRLF in `bytes` at or after `from`, or -1. Pure. */
export function headEnd(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from); i + 3 < bytes.byteLength; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/**
 * Parses the response head at the start of `bytes`: null when it is not complete yet; throws on a
 * malformed one. `method` decides whether a body can follow (HEAD never has one). Pure.
 */
export function parseResponseHead(bytes: Uint8Array, method: string): ResponseHead | null {
  const end = headEnd(bytes);
  if (end < 0) return null;
  const lines = latin1.decode(bytes.subarray(0, end)).split("\r\n");
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
  if (!statusLine) throw new Error(`malformed status line "${lines[0].slice(0, 40)}"`);
  const status = Number(statusLine[2]);
  const pairs: [string, string][] = [];
  let chunked = false;
  let length: number | null = null;
  let keepAlive = statusLine[1] === "1";
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error("malformed header line");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    pairs.push([name, value]);
    if (name === "transfer-encoding") chunked = value.toLowerCase().split(",").at(-1)!.trim() === "chunked";
    else if (name === "content-length") {
      const n = Number(value);
      if (!/^\d+$/.test(value) || (length !== null && length !== n)) throw new Error("bad content-length");
      length = n;
    } else if (name === "connection") {
      const tokens = value.toLowerCase();
      if (tokens.includes("close")) keepAlive = false;
      else if (tokens.includes("keep-alive")) keepAlive = true;
    }
  }
  let framing: BodyFraming;
  if (method === "HEAD" || (status >= 100 && status < 200) || status === 204 || status === 304) {
    framing = { kind: "none" };
  } else if (chunked) framing = { kind: "chunked" };
  else if (length !== null) framing = length === 0 ? { kind: "none" } : { kind: "length", length };
  else {
    framing = { kind: "until-close" };
    keepAlive = false;
  }
  return { status, headers: new HeaderList(pairs), framing, keepAlive, headBytes: end + 4 };
}

const SIZE = 0, EXTENSION = 1, SIZE_LF = 2, DATA = 3, DATA_CR = 4, DATA_LF = 5, TRAILER = 6, TRAILER_LF = 7;

/** What one {@link BodyDecoder.decode} call found. */
export interface Decoded {
  /** The payload bytes of this read (a copy, or a view of the read with `view`), or null when it held none. */
  data: Uint8Array | null;
  /** The body is complete. */
  done: boolean;
  /** Bytes after the end of the body (nonzero: the peer sent more than the answer). */
  excess: number;
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

  /** Bytes after the end of the body in the last {@link decodeInPlace} (nonzero: the peer sent more). */
  get excess(): number {
    return this.#excess;
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
    let state = this.#state;
    let size = this.#size;
    let digits = this.#digits;
    let remaining = this.#remaining;
    let lineLength = this.#lineLength;
    let done = false;
    let out = 0;
    let i = 0;
    while (i < n && !done) {
      if (state === DATA) {
        const take = remaining < n - i ? remaining : n - i;
        if (out !== i) src.copyWithin(out, i, i + take);
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
          break;
        case DATA_CR:
          if (b !== 13) throw new Error("malformed chunk end");
          state = DATA_LF;
          break;
        case DATA_LF:
          if (b !== 10) throw new Error("malformed chunk end");
          state = SIZE;
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
    return out;
  }
}
