/**
 * @module
 * What the gateway's handler reads of a request ({@link GatewayRequest}): a `Request` from `Deno.serve`
 * fits it, and the gateway's own server (`http1_server.ts`) hands over a {@link LiteRequest} instead, made
 * from the parsed head and the body read whole. It skips what a `Request` costs per request (its `Headers`
 * and their checks, the URL and body set-up of Deno's fetch layer: 16 µs when warm, 55–85 µs a request at
 * one request at a time, measured) and reads as a `Request` does: the same names, the same combined values,
 * the same order. The dashboard, which uses more of a `Request`, gets a real one ({@link webRequest}).
 */

/** The headers of a request, read-only: what the handler uses of `Headers`. */
export interface HeaderView {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

/** A request as the handler reads it. */
export interface GatewayRequest {
  readonly method: string;
  readonly url: string;
  /** `url` parsed, when the server parsed it already (a {@link LiteRequest}); a `Request` has none. */
  readonly parsedUrl?: URL;
  readonly headers: HeaderView;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /** A body still to read (a `Request`'s stream); a {@link LiteRequest} has its bytes already: null. */
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const FORBIDDEN_VALUE = /[\0\r\n]/;

const byName = (a: [string, string], b: [string, string]): number => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/** Request fields as `Headers` would give them: names in order, repeats joined with ", ". */
class LiteHeaders implements HeaderView {
  readonly #values = new Map<string, string>();
  #sorted: [string, string][] | null = null;
  /** `fields`: lower-case names (the server checked them), trimmed values; throws on a value `Headers` refuses. */
  constructor(fields: readonly [string, string][]) {
    // Indexed, no destructuring: see `HeaderList` (http1_wire.ts).
    for (let i = 0; i < fields.length; i++) {
      const name = fields[i][0], value = fields[i][1];
      if (FORBIDDEN_VALUE.test(value)) throw new TypeError(`invalid value of header "${name}"`);
      const had = this.#values.get(name);
      this.#values.set(name, had === undefined ? value : `${had}, ${value}`);
    }
  }
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }
  forEach(callback: (value: string, name: string) => void): void {
    const fields = this.#inOrder();
    for (let i = 0; i < fields.length; i++) callback(fields[i][1], fields[i][0]);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#inOrder()[Symbol.iterator]();
  }
  #inOrder(): [string, string][] {
    return this.#sorted ??= [...this.#values].sort(byName);
  }
}

/**
 * A request made from a parsed head; its body is the bytes the server read (or none), taken once: the
 * server holds the request until its answer has streamed to its end, and a long conversation's body is
 * megabytes that the proxy no longer needs by then.
 */
export class LiteRequest implements GatewayRequest {
  readonly headers: LiteHeaders;
  readonly body = null;
  #bytes: Uint8Array<ArrayBuffer> | null;
  #parsed: URL | null;
  /** `parsed`: `url` as the server parsed it to check it (one parse a request, not two). */
  constructor(
    readonly method: string,
    readonly url: string,
    readonly fields: readonly [string, string][],
    bytes: Uint8Array<ArrayBuffer> | null,
    readonly signal: AbortSignal,
    parsed?: URL,
  ) {
    this.headers = new LiteHeaders(fields);
    this.#bytes = bytes;
    this.#parsed = parsed ?? null;
  }
  get parsedUrl(): URL {
    return this.#parsed ??= new URL(this.url);
  }
  /** The body's bytes, handed over once (null after, or without a body). */
  takeBytes(): Uint8Array<ArrayBuffer> | null {
    const bytes = this.#bytes;
    this.#bytes = null;
    return bytes;
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.takeBytes();
    return Promise.resolve(bytes === null ? new ArrayBuffer(0) : bytes.slice().buffer);
  }
}

/** `request` as a real `Request` (for the dashboard's routes). */
export function webRequest(request: GatewayRequest): Request {
  if (request instanceof Request) return request;
  const lite = request as LiteRequest;
  return new Request(lite.url, {
    method: lite.method,
    headers: lite.fields as [string, string][],
    body: lite.takeBytes(),
    signal: lite.signal,
  });
}
