/**
 * @module
 * The tunnel of the HTTP/1.1 upstream client (`http1_client.ts`) through an `http://` proxy: `CONNECT
 * host:port`, then TLS to the upstream over the same socket.
 */

import { parseResponseHead } from "./http1_wire.ts";
import type { ProxyRoute } from "./upstream_proxy.ts";

/** CONNECT `authority` through an http proxy on `tcp`. */
export async function tunnel(tcp: Deno.TcpConn, authority: string, route: ProxyRoute): Promise<void> {
  let head = `CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n`;
  if (route.authorization) head += `proxy-authorization: ${route.authorization}\r\n`;
  const bytes = new TextEncoder().encode(`${head}\r\n`);
  for (let at = 0; at < bytes.byteLength;) at += await tcp.write(bytes.subarray(at));
  const buffer = new Uint8Array(8192);
  let got = 0;
  for (;;) {
    const n = await tcp.read(buffer.subarray(got));
    if (n === null) throw new Error(`the proxy ${route.host} closed the connection`);
    got += n;
    const parsed = parseResponseHead(buffer.subarray(0, got), "CONNECT");
    if (parsed === null) {
      if (got === buffer.byteLength) throw new Error(`the proxy ${route.host} sent an oversized answer`);
      continue;
    }
    if (parsed.status < 200 || parsed.status > 299) {
      throw new Error(`the proxy ${route.host} refused the tunnel (${parsed.status})`);
    }
    if (parsed.headBytes !== got) throw new Error(`the proxy ${route.host} sent bytes before the tunnel`);
    return;
  }
}
