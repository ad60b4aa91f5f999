/**
 * @module
 * Header hygiene in both directions. Towards the upstream: the caller's identity is replaced as a whole
 * (`Authorization` and `ChatGPT-Account-Id` from the chosen account, never the caller's), the gateway key and
 * hop-by-hop headers are dropped, `x-codex-turn-state` is dropped when the conversation changed account, and
 * `content-encoding` goes when the body was rewritten. Towards Codex: hop-by-hop headers, cookies and any
 * `content-encoding`/`content-length` that no longer match the (decoded, re-chunked) body are dropped. Pure.
 */

import type { HeaderView } from "./gateway_request.ts";

/** Header carrying the gateway key for clients that can set headers (Codex uses the URL path instead). */
export const GATEWAY_KEY_HEADER = "x-cao-gateway-key";

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus ones fetch sets itself. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

/** Request headers replaced or dropped on the way up. */
const REQUEST_DROPPED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  "authorization",
  "chatgpt-account-id",
  "cookie",
  "accept-encoding",
  GATEWAY_KEY_HEADER,
]);

/** Response headers dropped on the way back. */
const RESPONSE_DROPPED: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  "content-encoding",
  "set-cookie",
  "alt-svc",
]);

/** The identity the request goes out with. */
export interface UpstreamIdentity {
  accessToken: string;
  /** `tokens.account_id`; the header is omitted when null (as Codex does). */
  accountId: string | null;
}

/** Options of {@link upstreamRequestHeaders}. */
export interface UpstreamHeaderOptions {
  /** Drop `x-codex-turn-state` (the conversation changed account). */
  dropTurnState: boolean;
  /** The body was rewritten as plain JSON: drop `content-encoding`. */
  bodyRewritten: boolean;
}

/** Header names and values, lower-case names (cheaper to build than a `Headers`; fetch takes it as is). */
export type HeaderRecord = Record<string, string>;

/** The headers to send upstream. Pure. (`forEach`, not `for…of`: Deno's header iterator is ~15× slower.) */
export function upstreamRequestHeaders(
  incoming: HeaderView,
  identity: UpstreamIdentity,
  options: UpstreamHeaderOptions,
): HeaderRecord {
  const out: HeaderRecord = {};
  incoming.forEach((value, name) => {
    if (REQUEST_DROPPED.has(name)) return;
    if (options.dropTurnState && name === "x-codex-turn-state") return;
    if (options.bodyRewritten && name === "content-encoding") return;
    out[name] = value;
  });
  out["authorization"] = `Bearer ${identity.accessToken}`;
  if (identity.accountId !== null) out["chatgpt-account-id"] = identity.accountId;
  return out;
}

/** The headers to send back to the client. Pure. */
export function clientResponseHeaders(
  upstream: { forEach(callback: (value: string, name: string) => void): void },
): HeaderRecord {
  const out: HeaderRecord = {};
  upstream.forEach((value, name) => {
    if (!RESPONSE_DROPPED.has(name)) out[name] = value;
  });
  return out;
}

/** `upstream` base plus the request path and query: `https://host/base` + `/responses?x=1`. Pure. */
export function upstreamUrl(upstream: string, path: string, search: string): string {
  const base = upstream.endsWith("/") ? upstream.slice(0, -1) : upstream;
  return `${base}${path.startsWith("/") ? path : `/${path}`}${search}`;
}
