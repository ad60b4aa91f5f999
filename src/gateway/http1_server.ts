/**
 * @module
 * The gateway's own HTTP/1.1 server over `Deno.listen`, behind the same handler as `Deno.serve` (`server.ts`,
 * still used with `CAO_GATEWAY_SERVER=deno` and by `cao dashboard`). It exists for streamed answers: a
 * relayed stream (`sse_relay.ts`) is driven directly, with no `ReadableStream` and no per-chunk channel in
 * between, so an SSE event costs one read from the upstream and one write to Codex; to a chunked client,
 * a chunked upstream's chunks go as they came (`http1_server_answer.ts` writes the answers).
 * Measured against `Deno.serve` in one run (200 paced streams): CPU per event −8 %, RSS with the streams open
 * −13 MiB. Keep-alive and pipelining, `Content-Length` and chunked request bodies, `Expect: 100-continue`,
 * HEAD; bodies go out chunked (HTTP/1.0: until the connection closes). The handler gets a `LiteRequest`
 * (`gateway_request.ts`): the parsed head and the body read whole, without a `Request`'s `Headers` and
 * streams. Its `signal` aborts when the client closes its connection, before or during the answer, and the
 * answer is then cancelled; a write that fails cancels it too. A malformed request gets its 4xx/5xx and the
 * connection is closed.
 */

import { respond } from "./http1_server_answer.ts";
import { ClientConnection } from "./http1_server_conn.ts";
import type { GatewayAnswer } from "./relayed_answer.ts";
import { type GatewayRequest, LiteRequest } from "./gateway_request.ts";
import { CONTINUE, MAX_HEAD_BYTES, type RequestHead, WireError } from "./http1_server_wire.ts";
import type { ServerHandle } from "./server.ts";

type Handler = (request: GatewayRequest) => Promise<GatewayAnswer>;

function errorAnswer(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: { type: "cao_gateway_error", message } }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The request `head` for the handler, or a 400 when it cannot be one (as a `Request` could not). */
function toRequest(
  head: RequestHead,
  body: Uint8Array<ArrayBuffer> | null,
  local: string,
  signal: AbortSignal,
): LiteRequest | Response {
  let url: string;
  if (head.target.startsWith("/")) url = `http://${head.host || local}${head.target}`;
  else if (/^https?:\/\//i.test(head.target)) url = head.target;
  else if (head.target === "*") url = `http://${head.host || local}/`;
  else return errorAnswer(400, "malformed request target");
  try {
    const hasBody = head.method !== "GET" && head.method !== "HEAD";
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return errorAnswer(400, "malformed request target");
    }
    return new LiteRequest(head.method, url, head.fields, hasBody ? body : null, signal, parsed);
  } catch (error) {
    return errorAnswer(400, (error as Error).message);
  }
}

/** Serves one connection until the client closes it, an answer ends it, or the server stops. */
async function serveConnection(
  client: ClientConnection,
  handler: Handler,
  local: string,
  state: { stopping: boolean },
) {
  try {
    while (!state.stopping) {
      let head: RequestHead | null;
      let body: Uint8Array<ArrayBuffer> | null;
      try {
        head = await client.head();
        if (head === null) return;
        client.busy = true;
        if (head.expectContinue) await client.write(CONTINUE);
        body = await client.body(head.framing);
      } catch (error) {
        if (error instanceof WireError) {
          const answer = errorAnswer(error.status, error.message);
          await respond(client, answer, { method: "GET", minor: 1 }, false, new AbortController().signal);
        }
        return;
      }
      const controller = new AbortController();
      // Watch the socket while the answer is made and sent: the client closing it aborts the request.
      // (What a client sends meanwhile is kept for the next request; a pipelining one is watched on.)
      const watch = (): void =>
        void client.more().then(() => {
          if (client.eof) {
            controller.abort(new DOMException("the client closed the connection", "AbortError"));
          } else if (client.busy && client.end - client.start < MAX_HEAD_BYTES) watch();
        });
      watch();
      let request: LiteRequest | Response | null = toRequest(head, body, local, controller.signal);
      body = null; // the request has it now
      let response: GatewayAnswer;
      try {
        response = request instanceof Response ? request : await handler(request);
      } catch (error) {
        response = errorAnswer(500, error instanceof Error ? error.message : String(error));
      }
      const keepAlive = head.keepAlive && !state.stopping && !(request instanceof Response);
      const exchange = { method: head.method, minor: head.minor };
      // This frame lives as long as the answer (a stream: minutes): it keeps nothing else of the request.
      head = request = null;
      const again = await respond(client, response, exchange, keepAlive, controller.signal);
      client.busy = false;
      if (!again || client.eof && client.start === client.end) return;
    }
  } finally {
    client.close();
  }
}

/** Listens on `hostname:port` (port 0: any free port). Throws when the address is in use. */
export function serveHttp1(handler: Handler, options: { hostname: string; port: number }): ServerHandle {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const { hostname, port } = listener.addr as Deno.NetAddr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const local = `${host}:${port}`;
  const state = { stopping: false };
  const clients = new Map<ClientConnection, Promise<void>>();
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return; // the listener was closed
      }
      try {
        (conn as Deno.TcpConn).setNoDelay(true);
      } catch { /* not TCP */ }
      const client = new ClientConnection(conn);
      clients.set(
        client,
        serveConnection(client, handler, local, state).finally(() => clients.delete(client)),
      );
    }
  })();
  let stopped: Promise<void> | null = null;
  const shutdown = () =>
    stopped ??= (async () => {
      state.stopping = true;
      listener.close();
      await accepting;
      for (const client of clients.keys()) if (!client.busy) client.close();
      await Promise.all(clients.values());
    })();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => finish = resolve);
  return {
    url: `http://${local}`,
    hostname,
    port,
    finished,
    shutdown: () => shutdown().then(finish),
  };
}
