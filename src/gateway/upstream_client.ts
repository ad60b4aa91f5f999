/**
 * @module
 * One upstream exchange with bounded retries: a 5xx answer or a network error is retried on the same
 * account with exponential backoff (the body is a buffer, so it can be sent again); the client going away
 * aborts the exchange at once; an upstream silent for the idle time is aborted too. There is no timeout on
 * an exchange that keeps talking. Connections are reused by the runtime's fetch.
 */

import { sleep } from "../shared/wait.ts";
import type { IdleTicket, IdleWatch } from "./idle_watch.ts";

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
  | { kind: "answer"; response: Response; ticket: IdleTicket; release(): void; retries: number }
  | { kind: "network-error"; message: string; retries: number }
  | { kind: "client-gone"; retries: number };

/** The backoff before retry `n` (0-based). Pure apart from the jitter. */
export function backoffDelay(n: number, baseMs: number): number {
  return Math.round(baseMs * 2 ** n * (0.8 + Math.random() * 0.4));
}

/** Sends `call`, retrying 5xx answers and network errors on the same account. */
export async function sendUpstream(call: UpstreamCall, options: SendOptions): Promise<SendResult> {
  for (let attempt = 0;; attempt++) {
    if (options.clientSignal?.aborted) return { kind: "client-gone", retries: attempt };
    const controller = new AbortController();
    const onClientGone = () => controller.abort(new DOMException("client went away", "AbortError"));
    options.clientSignal?.addEventListener("abort", onClientGone, { once: true });
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
      const response = await options.fetch(call.url, {
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: controller.signal,
        redirect: "manual",
      });
      if (response.status < 500 || attempt >= options.retries) {
        return { kind: "answer", response, ticket, release, retries: attempt };
      }
      await response.body?.cancel().catch(() => {});
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
