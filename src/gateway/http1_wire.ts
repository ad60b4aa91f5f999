/**
 * @module
 * The HTTP/1.1 wire format the gateway's upstream client needs, as pure code over bytes: the request head
 * it writes, the response head it reads ({@link parseResponseHead}) and the body framing
 * (`body_decoder.ts`: `Transfer-Encoding: chunked`, `Content-Length`, or until the connection closes).
 * Nothing here touches a socket.
 */

/** Response headers in arrival order, lower-case names; the subset of `Headers` the gateway uses. */
export class HeaderList {
  readonly #pairs: [string, string][];
  constructor(pairs: [string, string][]) {
    this.#pairs = pairs;
  }
  /** The value of `name` (repeated fields joined with ", "), or null. */
  // Indexed loops, no destructuring: until V8 optimises them, `for…of` and `[n, v]` allocate iterator
  // objects for every field (about 10 KiB a streamed request, measured with bench/alloc_profile.ts).
  get(name: string): string | null {
    const pairs = this.#pairs;
    let found: string | null = null;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      if (pair[0] === name) found = found === null ? pair[1] : `${found}, ${pair[1]}`;
    }
    return found;
  }
  has(name: string): boolean {
    const pairs = this.#pairs;
    for (let i = 0; i < pairs.length; i++) if (pairs[i][0] === name) return true;
    return false;
  }
  /** Every field, in order (a repeated field once per line, e.g. `set-cookie`). */
  forEach(callback: (value: string, name: string) => void): void {
    const pairs = this.#pairs;
    for (let i = 0; i < pairs.length; i++) callback(pairs[i][1], pairs[i][0]);
  }
}

import type { BodyFraming } from "./body_decoder.ts";

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
const utf8 = new TextDecoder();
const latin1 = new TextDecoder("latin1");

/**
 * The text of a message head, byte for character (the WHATWG "latin1" decoder, i.e. windows-1252). A head
 * is nearly always ASCII, which the UTF-8 decoder reads several times faster than Deno's latin1 one (2 µs for
 * a 1.6 KiB head, measured): it is tried first, and kept when it read every byte as one character. Pure.
 */
export function headText(bytes: Uint8Array): string {
  const text = utf8.decode(bytes);
  // Any byte over 0x7f became a multi-byte character (the text is shorter) or U+FFFD.
  return text.length === bytes.byteLength && !text.includes("\uFFFD") ? text : latin1.decode(bytes);
}

/**
 * `text` encoded (UTF-8, as `TextEncoder` does) at the start of a new buffer with `room` bytes free after
 * it: one allocation, and `encodeInto` instead of `encode` (a fraction of its cost for a head). Returns the
 * buffer and how many bytes the text took. Pure.
 */
export function encodeWithRoom(text: string, room: number): { buffer: Uint8Array; written: number } {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const buffer = new Uint8Array(text.length * 3 + room);
  const { written } = encoder.encodeInto(text, buffer);
  return { buffer, written };
}

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
  if (body !== null && body.byteLength > 1024 * 1024) return [encoder.encode(head), body];
  const size = body?.byteLength ?? 0;
  const { buffer, written } = encodeWithRoom(head, size);
  if (body !== null) buffer.set(body, written);
  return [buffer.subarray(0, written + size)];
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
  const lines = headText(bytes.subarray(0, end)).split("\r\n");
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
