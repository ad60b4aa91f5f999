/**
 * @module
 * The whole body of a request, however it arrived. The gateway's own server (`http1_server.ts`) reads each
 * body whole before the handler runs and hands the bytes over here, with the `Request` itself made without a
 * body: Deno's body machinery (a stream over the bytes, then `arrayBuffer()`'s copy) cost ≈ 28 µs per 8 KiB
 * request, measured. A `Request` from `Deno.serve` is read the usual way.
 */

const bodies = new WeakMap<Request, Uint8Array<ArrayBuffer>>();

/** Keeps `body` as the body of `request` (made without one) for {@link bodyBytes}. */
export function withBodyBytes(request: Request, body: Uint8Array<ArrayBuffer> | null): Request {
  if (body !== null) bodies.set(request, body);
  return request;
}

/** The whole body of `request`, read once; null when it has none. */
export async function bodyBytes(request: Request): Promise<Uint8Array<ArrayBuffer> | null> {
  const kept = bodies.get(request);
  if (kept !== undefined) {
    bodies.delete(request);
    return kept;
  }
  if (request.body === null) return null;
  return new Uint8Array(await request.arrayBuffer());
}

/** The whole body of `request` as text ("" when it has none). */
export async function bodyText(request: Request): Promise<string> {
  const bytes = await bodyBytes(request);
  return bytes === null ? "" : new TextDecoder().decode(bytes);
}
