/**
 * @module
 * A loopback HTTP/1.1 server at the socket level, for tests of what `Deno.serve` cannot be made to do:
 * answers written byte for byte, connections closed or reset mid-answer, keep-alive connections closed while
 * idle, CONNECT tunnels and absolute-form requests (a proxy), TLS with the test certificate. Each request is
 * handed to `answer` with its connection; the handler writes what it likes and says whether the connection
 * goes on. Test-only.
 */

/** A request as the raw server read it. */
export interface RawRequest {
  method: string;
  /** The request target as sent (a path, `host:port` for CONNECT, or an absolute URL). */
  target: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** Which accepted connection (0-based) carried it. */
  connection: number;
}

/** What a handler does after writing its answer. */
export type AfterAnswer = "keep-alive" | "close" | "reset" | "tunnel";

/** A handler: write to `conn`, then say what happens to it. */
export type RawHandler = (request: RawRequest, conn: Deno.Conn) => Promise<AfterAnswer>;

/** A running raw server. */
export interface RawHttpServer extends AsyncDisposable {
  url: string;
  port: number;
  requests: RawRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** Writes `text` (or bytes) fully. */
export async function writeAll(conn: Deno.Conn, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  for (let at = 0; at < bytes.byteLength;) at += await conn.write(bytes.subarray(at));
}

/** One chunk of a chunked body. */
export function chunk(text: string): string {
  return `${encoder.encode(text).byteLength.toString(16)}\r\n${text}\r\n`;
}

async function readRequest(conn: Deno.Conn, carry: { rest: Uint8Array }, readBody: boolean) {
  let data = carry.rest;
  const buffer = new Uint8Array(64 * 1024);
  const find = () => {
    for (let i = 0; i + 3 < data.length; i++) {
      if (data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 && data[i + 3] === 10) return i;
    }
    return -1;
  };
  let end = find();
  while (end < 0) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return null;
    const merged = new Uint8Array(data.length + n);
    merged.set(data);
    merged.set(buffer.subarray(0, n), data.length);
    data = merged;
    end = find();
  }
  const lines = new TextDecoder().decode(data.subarray(0, end)).split("\r\n");
  const [method, target] = lines[0].split(" ");
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  let rest = data.subarray(end + 4);
  if (readBody) {
    while (rest.length < length) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) return null;
      const merged = new Uint8Array(rest.length + n);
      merged.set(rest);
      merged.set(buffer.subarray(0, n), rest.length);
      rest = merged;
    }
  }
  carry.rest = readBody ? rest.slice(length) : new Uint8Array();
  return { method, target, headers, body: readBody ? rest.slice(0, length) : rest.slice() };
}

/** Options of {@link startRawHttpServer}. */
export interface RawServerOptions {
  /** Serve TLS with the test certificate (`tests/fixtures/tls`). */
  tls?: boolean;
  /** Do not read request bodies (leaves them unread: closing then resets the connection). */
  skipBodies?: boolean;
}

/** Starts the server on 127.0.0.1 at a free port. */
export function startRawHttpServer(answer: RawHandler, options: RawServerOptions = {}): RawHttpServer {
  const fixtures = new URL("../fixtures/tls/", import.meta.url);
  const listener: Deno.Listener = options.tls
    ? Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: Deno.readTextFileSync(new URL("cert.pem", fixtures)),
      key: Deno.readTextFileSync(new URL("key.pem", fixtures)),
    })
    : Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const requests: RawRequest[] = [];
  const open = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let connections = 0;
  const serve = async (conn: Deno.Conn, index: number) => {
    const carry = { rest: new Uint8Array() };
    try {
      for (;;) {
        const read = await readRequest(conn, carry, !options.skipBodies);
        if (read === null) return;
        const request = { ...read, connection: index };
        requests.push(request);
        const after = await answer(request, conn);
        if (after === "tunnel") return await tunnel(conn, request.target, carry.rest);
        if (after === "reset") {
          // Unread bytes in the receive buffer make the kernel answer close() with a reset.
          return;
        }
        if (after === "close") return;
      }
    } catch {
      /* the peer went away */
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch { /* closed */ }
    }
  };
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      open.add(conn);
      const task = serve(conn, connections++);
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  })();
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
      await accepting;
      await Promise.allSettled([...tasks]);
    })();
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Pipes `conn` to `target` (`host:port`) both ways until either side closes. */
async function tunnel(conn: Deno.Conn, target: string, early: Uint8Array): Promise<void> {
  const [hostname, port] = target.split(":");
  const upstream = await Deno.connect({ hostname, port: Number(port) });
  if (early.length > 0) await writeAll(upstream, early);
  const pump = async (from: Deno.Conn, to: Deno.Conn) => {
    const buffer = new Uint8Array(16 * 1024);
    try {
      for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
        await writeAll(to, buffer.subarray(0, n));
      }
    } catch { /* closed */ }
    try {
      to.close();
    } catch { /* closed */ }
    try {
      from.close();
    } catch { /* closed */ }
  };
  await Promise.all([pump(conn, upstream), pump(upstream, conn)]);
}
