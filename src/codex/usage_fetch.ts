/**
 * @module
 * One look at the ChatGPT usage endpoint with an account's access token (CODEX_FACTS §3.4): the GET, its
 * timeout, and the answer parsed (`usage_response.ts`). Shared by `cao status --refresh` and the gateway's
 * cooldown healer; what a 401 leads to (a renewal and one more look) and how a timeout is worded are theirs.
 * Never prints; a reason never carries the token.
 */

import { redactSecrets } from "../shared/redact.ts";
import { parseUsageAnswer, type UsageAnswer } from "./usage_response.ts";
import { later } from "../shared/timers.ts";

/** What one look at the usage endpoint gave. */
export type UsageFetch =
  | { kind: "ok"; answer: UsageAnswer }
  /** 401: the access token was refused. */
  | { kind: "unauthorized" }
  /** No answer within the timeout. */
  | { kind: "timeout" }
  | { kind: "failed"; reason: string };

/** One GET of the usage endpoint. */
export interface UsageFetchRequest {
  fetch: typeof fetch;
  /** The endpoint (`usageEndpointUrl()`). */
  url: string;
  accessToken: string;
  /** Sent as `chatgpt-account-id` when known. */
  accountId: string | null;
  userAgent: string;
  /** The `accept` header. */
  accept: string;
  timeoutMs: number;
  now: () => Date;
}

/** Asks the usage endpoint once and reads its answer. */
export async function fetchUsageAnswer(request: UsageFetchRequest): Promise<UsageFetch> {
  const controller = new AbortController();
  const cancelTimer = later(request.timeoutMs, () => controller.abort());
  try {
    const response = await request.fetch(request.url, {
      headers: {
        "authorization": `Bearer ${request.accessToken}`,
        ...(request.accountId ? { "chatgpt-account-id": request.accountId } : {}),
        "user-agent": request.userAgent,
        "accept": request.accept,
      },
      signal: controller.signal,
    });
    const text = await response.text();
    if (response.status === 401) return { kind: "unauthorized" };
    if (!response.ok) return { kind: "failed", reason: `the usage endpoint answered ${response.status}` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { kind: "failed", reason: "the usage endpoint answered with something other than JSON" };
    }
    const answer = parseUsageAnswer(body, request.now());
    return answer ? { kind: "ok", answer } : { kind: "failed", reason: "the usage answer had no rate_limit" };
  } catch (error) {
    if (controller.signal.aborted) return { kind: "timeout" };
    return {
      kind: "failed",
      reason: redactSecrets(
        `cannot reach the usage endpoint (${error instanceof Error ? error.message : error})`,
      ),
    };
  } finally {
    cancelTimer();
  }
}
