/**
 * @module
 * One proxied request, end to end: choose an account (sticky per conversation), give the request that
 * account's identity, send it upstream, and decide from the status, body or first SSE events what happens
 * next. A usage limit puts the account in cooldown and replays the request on the next account before
 * anything reaches Codex; a 401 is answered by a token refresh and one more try; a 400
 * `invalid_encrypted_content` by stripping account-bound items and one more try; 5xx and network errors are
 * retried on the same account (`upstream_client.ts`). When no account is left, Codex gets the upstream's own
 * 429 shape with the earliest reset. Every other answer is passed through, streams untouched.
 */

import { mergeUsage } from "../accounts/status_events.ts";
import { clientResponseHeaders, upstreamRequestHeaders, upstreamUrl } from "./forward_headers.ts";
import { allLimitedAnswer, noAccountAnswer, upstreamUnreachableAnswer } from "./gateway_answers.ts";
import { exhaustedResetAt, sameWindows, usageFromHeaders } from "./rate_limit_headers.ts";
import { rewriteForAccountMove, type RewrittenBody } from "./request_body.ts";
import { directRelay, type RelayHooks, sniffFirstEvents } from "./sse_relay.ts";
import { type GatewayAnswer, RelayedAnswer } from "./relayed_answer.ts";
import { commit, type GatewayContext, isEventStream, limitHit, type ProxyRequest } from "./proxy_context.ts";
import { attempted, failed, needsRelogin, succeeded, usageSeen } from "./status_changes.ts";
import { sendUpstream } from "./upstream_client.ts";
import { bodyBytes } from "./request_bytes.ts";
import { classifyErrorAnswer, type UsageLimitInfo } from "./upstream_verdict.ts";

interface Attempt {
  tried: Set<string>;
  refreshed: Set<string>;
  forceStrip: boolean;
  lastLimit: UsageLimitInfo | null;
  firstAccount: string | null;
  retries: number;
}

/**
 * How a relayed body is watched: the idle clock runs only while the upstream is awaited (a slow client holds
 * it), and the end is recorded — a success, or a broken stream charged to the account.
 */
function relayHooks(
  ctx: GatewayContext,
  name: string,
  status: number,
  sent: { ticket: { touch(): void; hold(): void }; release(): void },
  log: (status: number, account: string | null, note?: string) => void,
): RelayHooks {
  return {
    onWait: sent.ticket.touch,
    onChunk: sent.ticket.hold,
    onEnd: (how, error) => {
      sent.release();
      if (how === "completed") ctx.pool.record(name, succeeded(ctx.now()));
      if (how === "upstream-failed") {
        const message = `the stream broke (${(error as Error)?.message ?? "unknown"})`;
        ctx.pool.record(name, failed(ctx.now(), message));
      }
      log(status, name, how === "completed" ? undefined : how);
    },
  };
}

/** Proxies one request and returns the answer for the client. */
export async function proxyRequest(ctx: GatewayContext, req: ProxyRequest): Promise<GatewayAnswer> {
  const started = performance.now();
  const { request } = req;
  // What the log and the relay's hooks keep of the request, for as long as a stream lasts: not the
  // request itself (its head's fields and strings), which closures over `request` or `req` would.
  const { method } = request;
  const { path } = req;
  const sessionId = request.headers.get("session-id");
  const hasBody = method !== "GET" && method !== "HEAD";
  const body = hasBody ? await bodyBytes(request) : null;
  const contentEncoding = request.headers.get("content-encoding");
  const state: Attempt = {
    tried: new Set(),
    refreshed: new Set(),
    forceStrip: false,
    lastLimit: null,
    firstAccount: null,
    retries: 0,
  };
  const previousAccount = ctx.pool.session(sessionId)?.account ?? null;
  const switchedFrom = (account: string | null) => {
    const from = previousAccount ?? state.firstAccount;
    return from !== null && account !== null && from !== account ? from : null;
  };

  const log = (status: number, account: string | null, note?: string) =>
    ctx.log({
      at: ctx.now(),
      method,
      path,
      status,
      durationMs: performance.now() - started,
      account,
      switchedFrom: switchedFrom(account),
      session: sessionId,
      retries: state.retries,
      note,
    });
  // The body rewritten for an account move: made once, and kept out of what the log closure holds, so a
  // streaming answer does not keep a long conversation's copy alive.
  let rewrittenBody: RewrittenBody | null | undefined;
  const maxAttempts = ctx.pool.registry.accounts.length * 3 + 3;
  let rechecked = false;
  for (let n = 0; n < maxAttempts; n++) {
    const choice = ctx.pool.choose(sessionId, state.tried);
    if (choice.kind === "none" && !choice.earliestReset && !rechecked && ctx.recheckLogins) {
      rechecked = true;
      if (await ctx.recheckLogins()) {
        state.tried.clear();
        continue;
      }
    }
    if (choice.kind === "none") {
      const answer = choice.earliestReset
        ? allLimitedAnswer(
          choice.earliestReset.at,
          ctx.now(),
          state.lastLimit?.planType ?? null,
          choice.reasons,
        )
        : noAccountAnswer(choice.reasons);
      log(answer.status, null, choice.earliestReset ? "all accounts limited" : "no usable account");
      return answer;
    }
    const name = choice.name;
    state.firstAccount ??= name;
    const token = await ctx.credentials.tokenFor(name);
    if (token.kind !== "ok") {
      const reason = token.reason;
      if (token.kind === "needs-relogin") ctx.pool.record(name, needsRelogin(reason), true);
      else ctx.pool.record(name, failed(ctx.now(), `token refresh failed: ${reason}`));
      state.tried.add(name);
      continue;
    }

    const session = ctx.pool.session(sessionId);
    const strip = state.forceStrip || choice.moved || (session?.moved ?? false);
    let sendBody = body;
    let rewritten = false;
    if (strip && body !== null) {
      if (rewrittenBody === undefined) rewrittenBody = await rewriteForAccountMove(body, contentEncoding);
      if (rewrittenBody) {
        sendBody = rewrittenBody.bytes;
        rewritten = true;
      }
    }
    const dropTurnState = choice.moved || (session?.turnStateFrom != null && session.turnStateFrom !== name);
    const headers = upstreamRequestHeaders(request.headers, token, {
      dropTurnState,
      bodyRewritten: rewritten,
    });
    ctx.pool.record(name, attempted(ctx.now()));
    ctx.pool.countRequest(name);
    const sent = await sendUpstream(
      {
        url: upstreamUrl(ctx.upstream, req.path, req.search),
        method,
        headers,
        body: sendBody,
      },
      {
        fetch: ctx.fetch,
        http1: ctx.http1,
        idle: ctx.idle,
        retries: ctx.retries,
        backoffBaseMs: ctx.backoffBaseMs,
        clientSignal: req.clientSignal,
        active: ctx.active,
      },
    );
    state.retries += sent.retries;
    if (sent.kind === "client-gone") {
      log(499, name, "client went away");
      return new Response(null, { status: 499 });
    }
    if (sent.kind === "network-error") {
      ctx.pool.record(name, failed(ctx.now(), sent.message));
      log(502, name, sent.message);
      return upstreamUnreachableAnswer(sent.message);
    }

    const response = sent.response;
    const usage = usageFromHeaders(response.headers, ctx.now());
    // Compared as it would be stored: an answer with only some windows keeps the others (`mergeUsage`).
    const stored = ctx.pool.statuses[name]?.usage ?? null;
    if (usage && !sameWindows(stored, mergeUsage(stored, usage))) ctx.pool.record(name, usageSeen(usage));

    if (!response.ok) {
      const text = await response.text();
      sent.release();
      const verdict = classifyErrorAnswer(response.status, text, ctx.now());
      if (verdict.kind === "usage-limit") {
        limitHit(ctx, name, verdict, exhaustedResetAt(usage), usage);
        state.lastLimit = verdict;
        state.tried.add(name);
        continue;
      }
      if (verdict.kind === "unauthorized") {
        if (!state.refreshed.has(name)) {
          state.refreshed.add(name);
          const renewed = await ctx.credentials.recoverUnauthorized(name, token.accessToken);
          if (renewed.kind === "ok") continue;
          const reason = renewed.reason;
          if (renewed.kind === "needs-relogin") {
            ctx.pool.record(name, needsRelogin(reason), true);
          }
        } else {
          ctx.pool.record(name, failed(ctx.now(), "the upstream refused the login (401)"));
        }
        state.tried.add(name);
        continue;
      }
      if (verdict.kind === "invalid-encrypted-content" && !state.forceStrip && body !== null) {
        state.forceStrip = true;
        continue;
      }
      if (verdict.kind === "retryable") {
        ctx.pool.record(name, failed(ctx.now(), `upstream answered ${response.status}`));
      }
      commit(ctx, sessionId, name, response, switchedFrom(name));
      log(response.status, name);
      return new Response(text, {
        status: response.status,
        headers: clientResponseHeaders(response.headers),
      });
    }

    const reader = isEventStream(response) ? response.reader() : null;
    if (reader === null) {
      commit(ctx, sessionId, name, response, switchedFrom(name));
      const body = response.reader();
      if (body === null) {
        ctx.pool.record(name, succeeded(ctx.now()));
        sent.release();
        log(response.status, name);
        return new Response(null, {
          status: response.status,
          headers: clientResponseHeaders(response.headers),
        });
      }
      // A JSON body that stalls after its headers is cut by the idle timeout too (idleness of the upstream only).
      sent.ticket.hold();
      const relay = directRelay([], false, body, relayHooks(ctx, name, response.status, sent, log));
      return new RelayedAnswer(response.status, clientResponseHeaders(response.headers), relay);
    }

    let sniff;
    try {
      sniff = await sniffFirstEvents(reader, ctx.now, sent.ticket.touch);
    } catch (error) {
      sent.release();
      if (req.clientSignal?.aborted) {
        log(499, name, "client went away");
        return new Response(null, { status: 499 });
      }
      const message = `the stream broke before its first event (${(error as Error).message})`;
      ctx.pool.record(name, failed(ctx.now(), message));
      log(502, name, message);
      return upstreamUnreachableAnswer(message);
    }
    if (sniff.kind === "limit") {
      await reader.cancel();
      sent.release();
      limitHit(ctx, name, sniff.info, exhaustedResetAt(usage), usage);
      state.lastLimit = sniff.info;
      state.tried.add(name);
      continue;
    }
    commit(ctx, sessionId, name, response, switchedFrom(name));
    sent.ticket.hold();
    const relay = directRelay(
      sniff.buffered,
      sniff.done,
      reader,
      relayHooks(ctx, name, response.status, sent, log),
    );
    return new RelayedAnswer(response.status, clientResponseHeaders(response.headers), relay);
  }
  log(502, null, "too many attempts");
  return upstreamUnreachableAnswer("too many attempts");
}
