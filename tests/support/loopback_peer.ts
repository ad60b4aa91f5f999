/**
 * A real loopback TCP pair for the HTTP/1.1 client's tests: the peer writes `pieces` to the connection this
 * returns, then closes; {@link chunkedBody} reads an answer's body from it. `paced` writes the pieces apart
 * (no Nagle, a 1 ms pause after every eighth), so that the reader sees them over many reads; `lingerMs`
 * waits that long before the close.
 */

import { type Connection, Http1Body } from "../../src/gateway/http1_connection.ts";

export interface LoopbackPeerOptions {
  paced?: boolean;
  lingerMs?: number;
}

/** The client end (`conn`), and `done`, which resolves once the peer has written everything and closed. */
export async function loopbackPeer(
  pieces: Uint8Array[],
  options: LoopbackPeerOptions = {},
): Promise<{ conn: Deno.Conn; done: Promise<void> }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
  const server = await accepted;
  listener.close();
  if (options.paced) (server as Deno.TcpConn).setNoDelay(true);
  const done = (async () => {
    for (const [i, part] of pieces.entries()) {
      for (let at = 0; at < part.byteLength;) at += await server.write(part.subarray(at));
      if (options.paced && i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    if (options.lingerMs) await new Promise((resolve) => setTimeout(resolve, options.lingerMs));
    server.close();
  })();
  return { conn, done };
}

/**
 * A chunked answer's body over `connection`, started with no bytes read ahead; `ends` records what each end
 * of the exchange said of the connection (true: reusable).
 */
export function chunkedBody(connection: Connection): { body: Http1Body; ends: boolean[] } {
  const ends: boolean[] = [];
  const body = new Http1Body(
    connection,
    { signal: new AbortController().signal },
    { kind: "chunked" },
    (r) => {
      ends.push(r);
    },
  );
  body.start(new Uint8Array(0));
  return { body, ends };
}
