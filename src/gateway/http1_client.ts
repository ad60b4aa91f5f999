/**
 * @module
 * The gateway's upstream client: a deliberately small HTTP/1.1 client over
 * `Deno.connect` (+ `Deno.startTls`, which verifies the certificate against the same roots as `fetch`,
 * `DENO_CERT` and `DENO_TLS_CA_STORE` included), with a keep-alive pool per origin. Every body read hands over
 * the payload of one whole socket read, so an SSE answer crosses into JavaScript once per read instead of
 * once per event (what `fetch` costs). An outbound proxy from `HTTPS_PROXY`/`HTTP_PROXY` (`http://` only;
 * `upstream_proxy.ts`) is used with CONNECT for https targets and absolute-form requests for http ones.
 * The request's `signal` (the client went away, the idle timeout, shutdown) closes the connection at once.
 * A pooled connection is watched while idle, so one the upstream closed is dropped, not reused; when a
 * reused connection still fails before any answer byte arrived, the request is sent once more on a new one.
 */

import type { ChunkReader } from "./sse_relay.ts";
import { Connection, Http1Body } from "./http1_connection.ts";
import { type HeaderList, parseResponseHead, requestBytes } from "./http1_wire.ts";
import { proxyFor, type ProxyRoute, type UpstreamProxySettings } from "./upstream_proxy.ts";
import { tunnel } from "./http1_tunnel.ts";

/** One request. */
export interface Http1Request {
  url: URL;
  method: string;
  /** Lower-case names; `host` and `content-length` are set here. */
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** Aborting closes the connection; pending reads then reject with the signal's reason. */
  signal: AbortSignal;
  /** Called for every socket read that brought bytes of the answer (activity for the idle timeout). */
  onActivity?: () => void;
}

/** An answer: status, headers, and the body read one socket read at a time. */
export interface Http1Answer {
  status: number;
  headers: HeaderList;
  /** Reads the rest of the body; the connection goes back to the pool at its end. */
  body: ChunkReader;
}

/** Options of {@link Http1Client}. */
export interface Http1ClientOptions {
  proxy?: UpstreamProxySettings | null;
  /** Extra trusted roots (PEM), for tests; production trusts what `fetch` trusts. */
  caCerts?: string[];
  /** Idle connections kept per origin (default 256). */
  maxIdlePerOrigin?: number;
}

/** Marks a failure that happened before any byte of the answer arrived. */
class NoAnswerError extends Error {}

/** A keep-alive HTTP/1.1 client. {@link close} it with the gateway. */
export class Http1Client {
  readonly #proxy: UpstreamProxySettings | null;
  readonly #caCerts?: string[];
  readonly #maxIdle: number;
  readonly #idle = new Map<string, Connection[]>();
  readonly #open = new Set<Connection>();
  readonly #permitted = new Map<string, boolean>();
  readonly #routes = new Map<string, ProxyRoute | null>();

  constructor(options: Http1ClientOptions = {}) {
    this.#proxy = options.proxy ?? null;
    this.#caCerts = options.caCerts;
    this.#maxIdle = options.maxIdlePerOrigin ?? 256;
  }

  /** Connections open now (busy and pooled). */
  get openConnections(): number {
    return this.#open.size;
  }

  /**
   * Whether this client can send to `url`: http(s), no proxy or an `http://` one, and net permission for
   * the host it connects to. Otherwise the caller uses `fetch`.
   */
  canSend(url: URL): boolean {
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    let route: ProxyRoute | null;
    try {
      route = this.#route(url);
    } catch {
      return false;
    }
    if (route !== null && route.protocol !== "http:") return false;
    const host = route?.host ?? `${url.hostname}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
    let permitted = this.#permitted.get(host);
    if (permitted === undefined) {
      permitted = Deno.permissions.querySync({ name: "net", host }).state === "granted";
      this.#permitted.set(host, permitted);
    }
    return permitted;
  }

  /** Sends `request`; resolves with the answer's head. Rejects with the signal's reason once aborted. */
  async request(request: Http1Request): Promise<Http1Answer> {
    const route = this.#route(request.url);
    const key = `${request.url.protocol}//${request.url.host}${route ? ` via ${route.host}` : ""}`;
    for (let attempt = 0;; attempt++) {
      if (request.signal.aborted) throw request.signal.reason;
      let connection = this.#take(key);
      const reused = connection !== null;
      connection ??= await this.#connect(request.url, route, key, request.signal);
      try {
        return await this.#exchange(connection, request, route);
      } catch (error) {
        this.#discard(connection);
        if (request.signal.aborted) throw request.signal.reason;
        if (reused && attempt === 0 && error instanceof NoAnswerError) continue;
        throw error;
      }
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const connection of this.#open) connection.close();
    this.#open.clear();
    this.#idle.clear();
  }

  /** The proxy route to `url` (null: direct), remembered per URL: the settings do not change. */
  #route(url: URL): ProxyRoute | null {
    const href = url.href;
    let route = this.#routes.get(href);
    if (route === undefined) {
      route = proxyFor(url, this.#proxy);
      if (this.#routes.size >= 64) this.#routes.clear();
      this.#routes.set(href, route);
    }
    return route;
  }

  #take(key: string): Connection | null {
    const list = this.#idle.get(key);
    while (list && list.length > 0) {
      const connection = list.pop()!;
      if (!connection.closed) {
        connection.idle = false;
        return connection;
      }
    }
    return null;
  }

  #discard(connection: Connection): void {
    connection.close();
    this.#open.delete(connection);
    if (connection.idle) {
      connection.idle = false;
      const list = this.#idle.get(connection.key);
      const at = list?.indexOf(connection) ?? -1;
      if (at >= 0) list!.splice(at, 1);
    }
  }

  /** Returns a connection whose answer was read to its end, or closes it. */
  #release(connection: Connection, reusable: boolean): void {
    if (connection.closed) return this.#discard(connection);
    const list = this.#idle.get(connection.key) ?? [];
    if (!reusable || list.length >= this.#maxIdle) return this.#discard(connection);
    this.#idle.set(connection.key, list);
    connection.idle = true;
    list.push(connection);
    // Watch the idle connection: the upstream closing it (or sending anything unasked) retires it.
    const retire = () => {
      if (connection.idle) this.#discard(connection);
    };
    connection.pending = connection.conn.read(connection.buffer);
    connection.pending.then(retire, retire);
  }

  async #connect(url: URL, route: ProxyRoute | null, key: string, signal: AbortSignal): Promise<Connection> {
    const https = url.protocol === "https:";
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    const port = Number(url.port || (https ? 443 : 80));
    const tcp = await Deno.connect(
      route ? { hostname: route.hostname, port: route.port, signal } : {
        hostname,
        port,
        signal,
      },
    );
    tcp.setNoDelay(true);
    let conn: Deno.Conn = tcp;
    const closeTcp = () => {
      try {
        tcp.close();
      } catch { /* handed over or closed */ }
    };
    signal.addEventListener("abort", closeTcp);
    try {
      if (route && https) {
        await tunnel(tcp, `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`, route);
      }
      if (https) {
        conn = await Deno.startTls(tcp, { hostname, caCerts: this.#caCerts, alpnProtocols: ["http/1.1"] });
      }
    } catch (error) {
      closeTcp();
      throw signal.aborted ? signal.reason : error;
    } finally {
      signal.removeEventListener("abort", closeTcp);
    }
    const connection = new Connection(conn, key);
    this.#open.add(connection);
    if (signal.aborted) {
      this.#discard(connection);
      throw signal.reason;
    }
    return connection;
  }

  async #exchange(
    connection: Connection,
    request: Http1Request,
    route: ProxyRoute | null,
  ): Promise<Http1Answer> {
    const { url, signal } = request;
    const absolute = route !== null && url.protocol === "http:";
    const target = absolute ? url.href : `${url.pathname}${url.search}`;
    const extra: Record<string, string> = { "accept-encoding": "identity" };
    if (absolute && route.authorization) extra["proxy-authorization"] = route.authorization;
    const onAbort = () => connection.close();
    signal.addEventListener("abort", onAbort);
    let received = 0;
    try {
      try {
        await connection.write(
          requestBytes(request.method, target, url.host, request.headers, request.body, extra),
        );
      } catch (error) {
        throw new NoAnswerError((error as Error).message);
      }
      // The head is parsed where it was read; only a head split across reads is carried over (copied: the
      // buffer is the next read's). What follows it is the body's first bytes.
      let carried: Uint8Array | null = null;
      for (;;) {
        const n = await connection.read();
        if (n === null) {
          throw received === 0
            ? new NoAnswerError("the upstream closed the connection before answering")
            : new Error("the upstream closed the connection in the middle of its answer's head");
        }
        received += n;
        request.onActivity?.();
        connection.took(n);
        let view = connection.buffer.subarray(0, n);
        if (carried !== null) {
          const merged = new Uint8Array(carried.byteLength + n);
          merged.set(carried);
          merged.set(view, carried.byteLength);
          view = merged;
        }
        for (let parsed = parseResponseHead(view, request.method); parsed !== null;) {
          if (parsed.status >= 100 && parsed.status < 200) {
            view = view.subarray(parsed.headBytes);
            parsed = parseResponseHead(view, request.method);
            continue;
          }
          const keepAlive = parsed.keepAlive;
          // Only what the body needs of the request: the request itself holds its body (a whole
          // conversation), which a stream would keep alive for as long as it lasts.
          const watch = { signal, onActivity: request.onActivity };
          const body = new Http1Body(connection, watch, parsed.framing, (reusable) => {
            signal.removeEventListener("abort", onAbort);
            this.#release(connection, reusable && keepAlive);
          });
          body.start(view.subarray(parsed.headBytes));
          return { status: parsed.status, headers: parsed.headers, body };
        }
        if (view.byteLength > 64 * 1024) throw new Error("the upstream's answer head is over 64 KiB");
        carried = view.slice();
      }
    } catch (error) {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) throw signal.reason;
      if (received === 0 && isConnectionLoss(error)) throw new NoAnswerError((error as Error).message);
      throw error;
    }
  }
}

function isConnectionLoss(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted || error instanceof Deno.errors.UnexpectedEof;
}
