/**
 * @module
 * One upstream exchange with bounded retries: a 5xx answer or a network error is retried on the same
 * account with exponential backoff (the body is a buffer, so it can be sent again); the client going away
 * aborts the exchange at once; an upstream silent for the idle time is aborted too. There is no timeout on
 * an exchange that keeps talking. Every exchange goes through the HTTP/1.1 client (`http1_client.ts`, one
 * hand-over per socket read) when it can reach the upstream, else (`CAO_GATEWAY_STREAM_CLIENT=fetch`, a
 * proxy it cannot use) through `fetch`. Both keep their connections alive.
 */

import { sleep } from "../shared/wait.ts";
import type { Http1Client } from "./http1_client.ts";
import type { IdleTicket, IdleWatch } from "./idle_watch.ts";
import { decodableEncoding, fetchAnswer, http1Answer, type UpstreamAnswer } from "./upstream_answer.ts";

/** What to send. */
export interface UpstreamCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
}

/** How to send it. */
export interface SendOptions {
  fetch: typeof fetch;
  /** The HTTP/1.1 client (null: `fetch` for everything). */
  http1?: Http1Client | null;
  idle: IdleWatch;
  /** Retries after a 5xx or a network error. */
  retries: number;
  /** First backoff delay; doubled per retry, ±20 % jitter (default 250 ms). */
  backoffBaseMs?: number;
  /** Aborts when the client goes away. */
  clientSignal?: AbortSignal;
  /** Exchanges in flight, aborted on shutdown. */
  active: Set<AbortController>;
}

/** The outcome of {@link sendUpstream}. */
export type SendResult =
  /** An answer (possibly a 5xx after the last retry). The caller must call `release()` when done with it. */
  | { kind: "answer"; response: UpstreamAnswer; ticket: IdleTicket; release(): void; retries: number }
  | { kind: "network-error"; message: string; retries: number }
  | { kind: "client-gone"; retries: number };

/** The backoff before retry `n` (0-based). Pure apart from the jitter. */
export function backoffDelay(n: number, baseMs: number): number {
  return Math.round(baseMs * 2 ** n * (0.8 + Math.random() * 0.4));
}

let lastTarget: { href: string; url: URL } | null = null;

/**
 * `href` parsed; the last one is kept, since nearly every request goes to the same upstream path
 * (`/responses`). Nothing changes a parsed URL after this.
 */
function parsedTarget(href: string): URL {
  if (lastTarget?.href !== href) lastTarget = { href, url: new URL(href) };
  return lastTarget.url;
}

/** One try, by the HTTP/1.1 client when it can send it, else by `fetch`. */
async function exchange(
  call: UpstreamCall,
  options: SendOptions,
  signal: AbortSignal,
  ticket: IdleTicket,
): Promise<UpstreamAnswer> {
  const url = options.http1 ? parsedTarget(call.url) : null;
  if (url !== null && options.http1!.canSend(url)) {
    const answer = await options.http1!.request({
      url,
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      onActivity: ticket.touch,
    });
    if (!decodableEncoding(answer.headers.get("content-encoding"))) {
      await answer.body.cancel();
      throw new Error(
        `the upstream sent a ${answer.headers.get("content-encoding")} body, which cannot be decoded`,
      );
    }
    return http1Answer(answer);
  }
  return fetchAnswer(
    await options.fetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      redirect: "manual",
    }),
  );
}

/** Sends `call`, retrying 5xx answers and network errors on the same account. */
export async function sendUpstream(call: UpstreamCall, options: SendOptions): Promise<SendResult> {
  for (let attempt = 0;; attempt++) {
    if (options.clientSignal?.aborted) return { kind: "client-gone", retries: attempt };
    const controller = new AbortController();
    const onClientGone = () => controller.abort(new DOMException("client went away", "AbortError"));
    // No `{ once: true }` (here, in the server and in the HTTP/1.1 client): each abort listener is removed
    // when its exchange ends, and Deno converts an options object on every call.
    options.clientSignal?.addEventListener("abort", onClientGone);
    options.active.add(controller);
    let idle = false;
    const ticket = options.idle.track(() => {
      idle = true;
      controller.abort(new DOMException("upstream idle", "TimeoutError"));
    });
    const release = () => {
      ticket.done();
      options.active.delete(controller);
      options.clientSignal?.removeEventListener("abort", onClientGone);
    };
    let failure: string;
    try {
      const response = await exchange(call, options, controller.signal, ticket);
      if (response.status < 500 || attempt >= options.retries) {
        return { kind: "answer", response, ticket, release, retries: attempt };
      }
      await response.cancel();
      failure = `upstream answered ${response.status}`;
    } catch (error) {
      if (options.clientSignal?.aborted) {
        release();
        return { kind: "client-gone", retries: attempt };
      }
      failure = idle ? "the upstream sent nothing within the idle timeout" : (error as Error).message;
      if (attempt >= options.retries) {
        release();
        return { kind: "network-error", message: failure, retries: attempt };
      }
    }
    release();
    await sleep(backoffDelay(attempt, options.backoffBaseMs ?? 250), options.clientSignal);
  }
}
