/**
 * @module
 * A relayed answer as the proxy hands it to the server: status, the client's header fields and the relay.
 * The gateway's own server (`http1_server.ts`) writes it as it is, with no `Response`, `Headers` or
 * `ReadableStream` made for it; `Deno.serve` gets a `Response` of it ({@link webAnswer}).
 */

import type { HeaderRecord } from "./forward_headers.ts";
import { type DirectRelay, streamOf } from "./sse_relay.ts";

/** A streamed answer the proxy relays. */
export class RelayedAnswer {
  constructor(readonly status: number, readonly headers: HeaderRecord, readonly relay: DirectRelay) {}
}

/** What the gateway's handler answers: its own `Response`s, or a relayed answer. */
export type GatewayAnswer = Response | RelayedAnswer;

/** `answer` as a `Response` (for `Deno.serve`). */
export function webAnswer(answer: GatewayAnswer): Response {
  if (answer instanceof Response) return answer;
  return new Response(streamOf(answer.relay), { status: answer.status, headers: answer.headers });
}
