/**
 * @module
 * What a proxied request works with (the shared {@link GatewayContext}) and the records it leaves: an answer
 * committed to the client binds the conversation to its account; a usage limit counts a hit and puts the
 * account in cooldown until its reset (written to disk at once, off the request path).
 */

import type { GatewayRequest } from "./gateway_request.ts";
import { recordQuotaHit } from "../accounts/status_events.ts";
import type { AccountPool } from "./account_pool.ts";
import type { Credentials } from "./credentials.ts";
import type { IdleWatch } from "./idle_watch.ts";
import type { usageFromHeaders } from "./rate_limit_headers.ts";
import type { RequestLogEntry } from "./request_log.ts";
import type { Http1Client } from "./http1_client.ts";
import type { AnswerHeaders } from "./upstream_answer.ts";
import type { UsageLimitInfo } from "./upstream_verdict.ts";
import type { NotifySink } from "../accounts/notify_sink.ts";

/** What every proxied request shares. */
export interface GatewayContext {
  pool: AccountPool;
  credentials: Credentials;
  idle: IdleWatch;
  upstream: string;
  retries: number;
  /** Cooldown after a usage limit without a future reset time (default one hour). */
  defaultCooldownMs?: number;
  backoffBaseMs?: number;
  fetch: typeof fetch;
  /** The client for streamed answers (null: `fetch` for everything). */
  http1?: Http1Client | null;
  now: () => Date;
  /** Upstream exchanges in flight (aborted on shutdown). */
  active: Set<AbortController>;
  /** Where notifications go (absent: none). */
  notify?: NotifySink;
  log(entry: RequestLogEntry): void;
  /**
   * Re-reads the logins now and clears "needs re-login" where working tokens appeared (another holder's
   * rotation, a new login); true when an account came back. Asked once before answering "no account".
   */
  recheckLogins?(): Promise<boolean>;
}

/** The request, already past routing and the key check. */
export interface ProxyRequest {
  request: GatewayRequest;
  /** Path without the key prefix. */
  path: string;
  search: string;
  /** Aborts when the client goes away (absent in tests that do not need it). */
  clientSignal?: AbortSignal;
}

/** Whether an answer is an SSE stream. Pure. */
export function isEventStream(response: { headers: AnswerHeaders }): boolean {
  return (response.headers.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream");
}

/** The answer of `name` goes to the client: bind the conversation; a switch from `from` is counted and told. */
export function commit(
  ctx: GatewayContext,
  sessionId: string | null,
  name: string,
  response: { headers: AnswerHeaders },
  from: string | null,
): void {
  ctx.pool.bindSession(sessionId, name, response.headers.has("x-codex-turn-state"));
  if (from === null) return;
  ctx.pool.switches++;
  const until = ctx.pool.statuses[from]?.cooldownUntil ?? null;
  ctx.notify?.emit({
    kind: "moved",
    from,
    to: name,
    via: "gateway",
    fromUntil: until === null ? null : Math.floor(Date.parse(until) / 1000),
  });
}

/** `name` hit its usage limit: count it and record the cooldown until the reset. */
export function limitHit(
  ctx: GatewayContext,
  name: string,
  info: UsageLimitInfo,
  headerReset: number | null,
  usage: ReturnType<typeof usageFromHeaders>,
): void {
  const resetsAt = info.resetsAt ?? headerReset;
  const now = ctx.now();
  ctx.pool.countLimitHit(name);
  ctx.pool.record(name, (s) => {
    recordQuotaHit(s, now, {
      resetsAt: resetsAt !== null ? new Date(resetsAt * 1000) : null,
      usage,
      message: `usage limit (${info.code})${info.message ? `: ${info.message}` : ""}`,
      defaultCooldownMs: ctx.defaultCooldownMs,
      source: `gateway (pid ${Deno.pid}): ${info.code} from the upstream`,
    });
  }, true);
}
