/**
 * @module
 * The whole body of a request, however it arrived. The gateway's own server (`http1_server.ts`) reads each
 * body whole before the handler runs and hands the bytes over in its {@link LiteRequest}: Deno's body
 * machinery (a stream over the bytes, then `arrayBuffer()`'s copy) cost ≈ 28 µs per 8 KiB request,
 * measured. A `Request` from `Deno.serve` is read the usual way.
 */

import { type GatewayRequest, LiteRequest } from "./gateway_request.ts";

/** The whole body of `request`, read (or taken) once; null when it has none. */
export async function bodyBytes(request: GatewayRequest): Promise<Uint8Array<ArrayBuffer> | null> {
  if (request instanceof LiteRequest) return request.takeBytes();
  if (request.body === null) return null;
  return new Uint8Array(await request.arrayBuffer());
}

/** The whole body of `request` as text ("" when it has none). */
export async function bodyText(request: GatewayRequest): Promise<string> {
  const bytes = await bodyBytes(request);
  return bytes === null ? "" : new TextDecoder().decode(bytes);
}
