/**
 * @module
 * The server side of the HTTP/1.1 wire format, as pure code over bytes, for the gateway's own server
 * (`http1_server.ts`): the request head a client sends ({@link parseRequestHead}: request line, fields,
 * body framing, keep-alive, `Expect: 100-continue`), the response head the gateway writes
 * ({@link responseHead}) and the chunk framing of a streamed body ({@link frameChunk}: one buffer per
 * chunk, so one write per SSE event), and its `date` field ({@link httpDate}, the one clock read here).
 * A malformed head throws a {@link WireError} carrying the status to answer with. Nothing here touches a
 * socket.
 */

import type { BodyFraming } from "./body_decoder.ts";
import { encodeWithRoom, headText } from "./http1_wire.ts";

/** A request head the server cannot take; `status` is the answer (400, 413, 431, 501, 505). */
export class WireError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** A parsed request head. */
export interface RequestHead {
  method: string;
  /** The request target as sent (origin form `/path?query`, or absolute form). */
  target: string;
  /** HTTP/1.0 or HTTP/1.1. */
  minor: 0 | 1;
  /** Fields in arrival order, lower-case names. */
  fields: [string, string][];
  /** The `host` field ("" when absent). */
  host: string;
  framing: BodyFraming;
  /** The client lets the connection carry another exchange. */
  keepAlive: boolean;
  /** The client waits for `100 Continue` before it sends the body. */
  expectContinue: boolean;
  /** Bytes of the head including its blank line. */
  headBytes: number;
}

/** The longest request head taken (a longer one gets 431). */
export const MAX_HEAD_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses the request head that ends at `end` (the index of its CRLFCRLF, `headEnd` of `http1_wire.ts`).
 * Throws a {@link WireError} for a malformed or unsupported one. Pure.
 */
export function parseRequestHead(bytes: Uint8Array, end: number): RequestHead {
  const lines = headText(bytes.subarray(0, end)).split("\r\n");
  // A client may send empty lines before the request line (RFC 9112 §2.2).
  while (lines.length > 1 && lines[0] === "") lines.shift();
  const line = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(\d)\.(\d)$/.exec(lines[0]);
  if (!line) throw new WireError(400, "malformed request line");
  if (line[3] !== "1") throw new WireError(505, `HTTP/${line[3]}.${line[4]} is not supported`);
  const minor = line[4] === "0" ? 0 : 1;
  const fields: [string, string][] = [];
  let host: string | null = null;
  let length: number | null = null;
  let chunked = false;
  let keepAlive = minor === 1;
  let expectContinue = false;
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i];
    const colon = text.indexOf(":");
    if (colon <= 0) throw new WireError(400, "malformed header line");
    const name = text.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name)) throw new WireError(400, "malformed header name");
    const value = text.slice(colon + 1).trim();
    fields.push([name, value]);
    if (name === "host") {
      if (host !== null && host !== value) throw new WireError(400, "more than one host");
      host = value;
    } else if (name === "content-length") {
      if (!/^\d{1,15}$/.test(value)) throw new WireError(400, "bad content-length");
      const n = Number(value);
      if (length !== null && length !== n) throw new WireError(400, "conflicting content-length");
      length = n;
    } else if (name === "transfer-encoding") {
      const codings = value.toLowerCase().split(",").map((c) => c.trim()).filter((c) => c !== "");
      if (codings.length !== 1 || codings[0] !== "chunked") {
        throw new WireError(501, `transfer-encoding "${value}" is not supported`);
      }
      chunked = true;
    } else if (name === "connection") {
      const tokens = value.toLowerCase().split(",").map((t) => t.trim());
      if (tokens.includes("close")) keepAlive = false;
      else if (tokens.includes("keep-alive")) keepAlive = true;
    } else if (name === "expect") {
      if (value.toLowerCase() === "100-continue") expectContinue = minor === 1;
    }
  }
  // Both framings at once is how requests are smuggled (RFC 9112 §6.3): refuse it.
  if (chunked && length !== null) throw new WireError(400, "both content-length and transfer-encoding");
  if (minor === 1 && host === null) throw new WireError(400, "no host");
  const framing: BodyFraming = chunked
    ? { kind: "chunked" }
    : length !== null && length > 0
    ? { kind: "length", length }
    : { kind: "none" };
  return {
    method: line[1],
    target: line[2],
    minor,
    fields,
    host: host ?? "",
    framing,
    keepAlive,
    expectContinue: expectContinue && framing.kind !== "none",
    headBytes: end + 4,
  };
}

/** Reason phrases for the status line (the phrase is informative only; an unknown status gets none). */
const REASONS: Record<number, string> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  307: "Temporary Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  422: "Unprocessable Content",
  426: "Upgrade Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  499: "Client Closed Request",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

/** Fields the server frames itself; a handler's values for them are dropped. */
const OWN_FIELDS = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "date"]);

/** How a response body goes on the wire. */
export type ResponseFraming = "none" | "empty" | "chunked" | "until-close";

/**
 * The bytes of a response head: status line, the handler's fields (those the server frames itself
 * dropped), `date`, the framing field and `connection: close` when the connection ends after it. Pure.
 */
export function responseHead(
  status: number,
  fields: Iterable<[string, string]>,
  framing: ResponseFraming,
  keepAlive: boolean,
  date: string,
): Uint8Array {
  const reason = REASONS[status];
  let head = `HTTP/1.1 ${status}${reason ? ` ${reason}` : " "}\r\ndate: ${date}\r\n`;
  for (const [name, value] of fields) {
    if (!OWN_FIELDS.has(name)) head += `${name}: ${value.replace(/[\r\n]/g, " ")}\r\n`;
  }
  if (framing === "chunked") head += "transfer-encoding: chunked\r\n";
  else if (framing === "empty") head += "content-length: 0\r\n";
  if (!keepAlive) head += "connection: close\r\n";
  head += "\r\n";
  const { buffer, written } = encodeWithRoom(head, 0);
  return buffer.subarray(0, written);
}

/** Whether a response to `method` with `status` carries no body at all (RFC 9110 §6.4.1). Pure. */
export function bodyless(method: string, status: number): boolean {
  return method === "HEAD" || status < 200 || status === 204 || status === 304;
}

/**
 * One chunk of a chunked body as one buffer (`size CRLF data CRLF`), optionally preceded by `prefix` (the
 * response head, so that the head and the first chunk leave in one write). Pure.
 */
export function frameChunk(data: Uint8Array, prefix?: Uint8Array): Uint8Array {
  const size = data.byteLength.toString(16);
  const before = prefix?.byteLength ?? 0;
  const out = new Uint8Array(before + size.length + 2 + data.byteLength + 2);
  if (prefix) out.set(prefix);
  putChunk(out, before, size, data);
  return out;
}

/** The ASCII codes of the lowercase hex digits. */
const HEX_DIGITS = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** Writes `size CRLF data CRLF` into `out` at `at`; returns where it ends. */
function putChunk(out: Uint8Array, at: number, size: string, data: Uint8Array): number {
  for (let i = 0; i < size.length; i++) out[at++] = size.charCodeAt(i);
  return putChunkRest(out, at, data);
}

/** Writes `CRLF data CRLF` into `out` at `at`; returns where it ends. */
function putChunkRest(out: Uint8Array, at: number, data: Uint8Array): number {
  out[at++] = 13;
  out[at++] = 10;
  out.set(data, at);
  at += data.byteLength;
  out[at++] = 13;
  out[at++] = 10;
  return at;
}

/**
 * Frames the chunks of one body into one buffer it keeps: a streamed answer's events cost no allocation
 * each. What {@link frame} returns is overwritten by its next call, so it must be written first.
 */
export class ChunkFramer {
  #buffer = new Uint8Array(512);
  frame(data: Uint8Array): Uint8Array {
    const length = data.byteLength;
    let digits = 1;
    while (length >= 16 ** digits) digits++;
    const needed = digits + 4 + length;
    if (needed > this.#buffer.byteLength) {
      this.#buffer = new Uint8Array(Math.max(needed, this.#buffer.byteLength * 2));
    }
    const buffer = this.#buffer;
    // The size in hex digits, written without a string (one allocation less per event).
    for (let i = digits - 1, rest = length; i >= 0; i--, rest = Math.floor(rest / 16)) {
      buffer[i] = HEX_DIGITS[rest % 16];
    }
    return buffer.subarray(0, putChunkRest(buffer, digits, data));
  }
}

/** The end of a chunked body. */
export const LAST_CHUNK: Uint8Array = encoder.encode("0\r\n\r\n");

/** The interim answer to `Expect: 100-continue`. */
export const CONTINUE: Uint8Array = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");

let dateSecond = -1;
let dateText = "";
/** The `date` field, formatted once a second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
