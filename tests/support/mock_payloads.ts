/**
 * @module
 * What the loopback mock upstream answers with: the behaviours a test programs per account, and the payload
 * builders for Codex-shaped SSE streams, 429 usage-limit bodies, rate-limit headers and usage answers
 * (CODEX_FACTS §2.1, §3.1, §3.4). Test-only.
 */

import type { FakeAuthOptions } from "./fake_auth.ts";

/** One rate-limit window, sent as `x-codex-<window>-*` headers (CODEX_FACTS §3.1). */
export interface RateLimitWindow {
  usedPercent: number;
  windowMinutes?: number;
  /** Unix seconds. */
  resetAt?: number;
}

/** Rate-limit headers for an answer. */
export interface RateLimitHeaders {
  primary?: RateLimitWindow;
  secondary?: RateLimitWindow;
  /** `x-codex-active-limit` (which family applies on a 429). */
  activeLimit?: string;
}

/** Pacing shared by every `/responses` behaviour. */
export interface Pacing {
  /** Wait this long before answering at all (headers included). */
  delayMs?: number;
  /** Extra headers on the answer. */
  headers?: Record<string, string>;
}

/** A successful SSE answer: response.created, output_item.added, N text deltas, output_item.done, response.completed. */
export interface OkBehavior extends Pacing {
  kind: "ok";
  /** The assistant's reply; default `hello from <account id>` (or `hello from mock upstream`). */
  text?: string;
  /** Number of `response.output_text.delta` events the text is split into (default 1). */
  deltas?: number;
  /** Pause before each delta event (for abort tests and benchmarks). */
  eventDelayMs?: number;
  /** Rate-limit headers on the 200 answer. */
  rateLimits?: RateLimitHeaders;
  /** Also answer a reasoning item carrying this `encrypted_content` (Codex replays it on later requests). */
  reasoning?: string;
}

/** HTTP 429 `usage_limit_reached` (CODEX_FACTS §2.1) with `x-codex-primary-*` headers at 100 %. */
export interface UsageLimitBehavior extends Pacing {
  kind: "usage_limit";
  /** Unix seconds; default one hour from now. */
  resetsAt?: number;
  /** Default "plus". */
  planType?: string;
  /** `error.type`; default "usage_limit_reached" (codex also knows "usage_not_included"). */
  errorType?: string;
}

/** A bare HTTP status with an optional body (string or JSON). */
export interface StatusBehavior extends Pacing {
  kind: "status";
  status: number;
  body?: unknown;
  /** Send the headers and half of the body, then nothing for this long, then the rest. */
  stallMs?: number;
}

/** A 200 SSE stream that fails in-stream with `response.failed` (`response.error.code`, CODEX_FACTS §2.1). */
export interface StreamFailedBehavior extends Pacing {
  kind: "stream_failed";
  code: string;
  message?: string;
}

/** A tool call: the model asks Codex to run `name` (e.g. `exec_command` with `{ cmd }` for `-m gpt-5.5`). */
export interface FunctionCallBehavior extends Pacing {
  kind: "function_call";
  name: string;
  arguments: unknown;
}

/** How the mock answers one `POST …/responses`. The string "ok" is short for `{ kind: "ok" }`. */
export type ResponseBehavior =
  | "ok"
  | OkBehavior
  | UsageLimitBehavior
  | StatusBehavior
  | StreamFailedBehavior
  | FunctionCallBehavior;

/** One window of the `/wham/usage` answer (CODEX_FACTS §3.4). */
export interface UsageWindowSpec {
  /** Integer percent. */
  usedPercent: number;
  limitWindowSeconds: number;
  /** Unix seconds. */
  resetAt: number;
}

/** How the mock answers `GET …/wham/usage` for an account. */
export type UsageBehavior =
  | {
    kind: "ok";
    planType?: string;
    primary?: UsageWindowSpec | null;
    secondary?: UsageWindowSpec | null;
    limitReached?: boolean;
    /** Replaces the whole generated body. */
    body?: Record<string, unknown>;
  }
  | { kind: "status"; status: number; body?: unknown };

/** How the mock answers `POST /oauth/token` (CODEX_FACTS §4.3). */
export type RefreshBehavior =
  /**
   * New JWTs (fakeJwt) and the refresh token rotated to `<old>_gen<N+1>`; `lifetimeSeconds` sets the new
   * access token's `exp` from now, `delayMs` holds the answer back (the token counts as spent on arrival).
   */
  | { kind: "rotate"; auth?: FakeAuthOptions; lifetimeSeconds?: number; delayMs?: number }
  /** 401 with `error.code = "refresh_token_reused"`. */
  | { kind: "reused" }
  | { kind: "status"; status: number; body?: unknown };

/** Default reply text for an account. */
export function defaultReplyText(accountId: string | null): string {
  return `hello from ${accountId ?? "mock upstream"}`;
}

/** Encodes one SSE event the way the Responses API sends it. */
export function sseEvent(data: { type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function splitText(text: string, parts: number): string[] {
  const n = Math.max(1, Math.floor(parts));
  const size = Math.ceil(text.length / n);
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size));
}

/**
 * The SSE events of a successful answer carrying `text`. Checked against codex 0.169 `exec`: it prints the
 * text of `response.output_item.done`, and treats a stream without `response.completed` as disconnected
 * (5 retries, exit 1); `response.created`, the deltas and `usage` are optional, and deltas need a preceding
 * `response.output_item.added`.
 */
export function okEvents(text: string, responseId: string, deltas = 1, reasoning?: string): string[] {
  const itemId = `msg_${responseId}`;
  const events = [
    sseEvent({
      type: "response.created",
      response: { id: responseId, object: "response", status: "in_progress", output: [] },
    }),
    ...(reasoning === undefined ? [] : [sseEvent({
      type: "response.output_item.done",
      output_index: 0,
      item: { type: "reasoning", id: `rs_${responseId}`, summary: [], encrypted_content: reasoning },
    })]),
    sseEvent({
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] },
    }),
  ];
  for (const delta of splitText(text, deltas)) {
    events.push(sseEvent({
      type: "response.output_text.delta",
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta,
    }));
  }
  events.push(
    sseEvent({
      type: "response.output_item.done",
      output_index: 0,
      item: {
        type: "message",
        id: itemId,
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text, annotations: [] }],
      },
    }),
    sseEvent({
      type: "response.completed",
      response: {
        id: responseId,
        object: "response",
        status: "completed",
        usage: {
          input_tokens: 100,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 10,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 110,
        },
      },
    }),
  );
  return events;
}

/** The SSE events of an answer that calls the tool `name` with `args` (Codex runs it, then asks again). */
export function functionCallEvents(name: string, args: unknown, responseId: string): string[] {
  const item = {
    type: "function_call",
    id: `fc_${responseId}`,
    call_id: `call_${responseId}`,
    name,
    arguments: JSON.stringify(args),
    status: "completed",
  };
  return [
    sseEvent({
      type: "response.created",
      response: { id: responseId, object: "response", status: "in_progress" },
    }),
    sseEvent({ type: "response.output_item.done", output_index: 0, item }),
    sseEvent({
      type: "response.completed",
      response: { id: responseId, object: "response", status: "completed", output: [item] },
    }),
  ];
}

/** The SSE events of an answer that fails in-stream with `code`. */
export function failedEvents(code: string, message: string, responseId: string): string[] {
  return [
    sseEvent({
      type: "response.created",
      response: { id: responseId, object: "response", status: "in_progress", output: [] },
    }),
    sseEvent({
      type: "response.failed",
      response: { id: responseId, object: "response", status: "failed", error: { code, message } },
    }),
  ];
}

/** `x-codex-*` rate-limit headers (CODEX_FACTS §3.1). */
export function rateLimitHeaders(limits: RateLimitHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ["primary", "secondary"] as const) {
    const w = limits[name];
    if (!w) continue;
    headers[`x-codex-${name}-used-percent`] = String(w.usedPercent);
    if (w.windowMinutes !== undefined) headers[`x-codex-${name}-window-minutes`] = String(w.windowMinutes);
    if (w.resetAt !== undefined) headers[`x-codex-${name}-reset-at`] = String(w.resetAt);
  }
  if (limits.activeLimit) headers["x-codex-active-limit"] = limits.activeLimit;
  return headers;
}

/** The 429 body codex maps to a usage limit (CODEX_FACTS §2.1). */
export function usageLimitBody(
  resetsAt: number,
  planType = "plus",
  errorType = "usage_limit_reached",
): unknown {
  return {
    error: {
      type: errorType,
      message: "The usage limit has been reached",
      plan_type: planType,
      resets_at: resetsAt,
      resets_in_seconds: Math.max(0, resetsAt - Math.floor(Date.now() / 1000)),
    },
  };
}

/** A `/wham/usage` body (CODEX_FACTS §3.4). */
export function usageBody(spec: Extract<UsageBehavior, { kind: "ok" }>, now = Date.now()): unknown {
  if (spec.body) return spec.body;
  const nowS = Math.floor(now / 1000);
  const window = (w: UsageWindowSpec | null | undefined) =>
    w
      ? {
        used_percent: Math.round(w.usedPercent),
        limit_window_seconds: w.limitWindowSeconds,
        reset_after_seconds: Math.max(0, w.resetAt - nowS),
        reset_at: w.resetAt,
      }
      : null;
  const primary = spec.primary === undefined
    ? { usedPercent: 0, limitWindowSeconds: 18000, resetAt: nowS + 18000 }
    : spec.primary;
  const secondary = spec.secondary === undefined
    ? { usedPercent: 0, limitWindowSeconds: 604800, resetAt: nowS + 604800 }
    : spec.secondary;
  const limitReached = spec.limitReached ??
    [primary, secondary].some((w) => w !== null && w.usedPercent >= 100);
  return {
    plan_type: spec.planType ?? "plus",
    rate_limit: {
      allowed: !limitReached,
      limit_reached: limitReached,
      primary_window: window(primary),
      secondary_window: window(secondary),
    },
    credits: { has_credits: false, unlimited: false, balance: "0" },
    additional_rate_limits: null,
    rate_limit_reached_type: null,
  };
}
