/**
 * @module
 * What an upstream answer means for the gateway, decided from its status, body and first SSE events
 * (CODEX_FACTS §2.1, §6). A usage limit (429 `usage_limit_reached` / `usage_not_included`, or
 * `response.failed` with `usage_limit_reached`, `usage_not_included` or `insufficient_quota` among the first
 * events) moves the request to another account; a 401 calls for a token refresh; a 400
 * `invalid_encrypted_content` for stripping account-bound reasoning; 5xx for a retry. Pure.
 */

import { finiteNumber, jsonObject, nonEmptyString } from "../shared/json_value.ts";

/** A usage limit and what the upstream said about it. */
export interface UsageLimitInfo {
  kind: "usage-limit";
  /** `error.type` / `error.code` as the upstream sent it. */
  code: string;
  /** When the limit resets, unix seconds, if the upstream said. */
  resetsAt: number | null;
  /** `error.plan_type`, if any. */
  planType: string | null;
  /** The upstream's message (no secrets in it, but redacted again before it is logged). */
  message: string | null;
}

/** The verdict on a non-2xx answer. */
export type ErrorVerdict =
  | UsageLimitInfo
  | { kind: "unauthorized" }
  | { kind: "invalid-encrypted-content" }
  | { kind: "retryable" }
  | { kind: "pass" };

/** What one early SSE event means. */
export type EventVerdict = UsageLimitInfo | { kind: "wait" } | { kind: "commit" };

/** `error.type`/`code` values of a 429 that mean the account's usage is exhausted. */
export const USAGE_LIMIT_ERROR_TYPES: ReadonlySet<string> = new Set([
  "usage_limit_reached",
  "usage_not_included",
]);

/** `response.error.code` values of an in-stream failure that mean the same. */
export const USAGE_LIMIT_STREAM_CODES: ReadonlySet<string> = new Set([
  "usage_limit_reached",
  "usage_not_included",
  "insufficient_quota",
]);

/** Events that may come before the upstream has committed to an answer. */
const PRELUDE_EVENTS: ReadonlySet<string> = new Set([
  "response.created",
  "response.in_progress",
  "response.queued",
]);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function limitFrom(error: Record<string, unknown>, code: string, now: Date): UsageLimitInfo {
  const resetsAt = finiteNumber(error.resets_at) ??
    (finiteNumber(error.resets_in_seconds) !== null
      ? Math.floor(now.getTime() / 1000) + finiteNumber(error.resets_in_seconds)!
      : null);
  return {
    kind: "usage-limit",
    code,
    resetsAt,
    planType: nonEmptyString(error.plan_type),
    message: nonEmptyString(error.message),
  };
}

/** Classifies a non-2xx answer from its status and body text. Pure. */
export function classifyErrorAnswer(status: number, bodyText: string, now: Date): ErrorVerdict {
  const error = jsonObject(jsonObject(parseJson(bodyText))?.error);
  const code = nonEmptyString(error?.type) ?? nonEmptyString(error?.code);
  if (status === 429 && error) {
    for (const candidate of [nonEmptyString(error.type), nonEmptyString(error.code)]) {
      if (candidate && USAGE_LIMIT_ERROR_TYPES.has(candidate)) return limitFrom(error, candidate, now);
    }
  }
  if (status === 401) return { kind: "unauthorized" };
  if (
    status === 400 &&
    (nonEmptyString(error?.code) === "invalid_encrypted_content" || code === "invalid_encrypted_content")
  ) {
    return { kind: "invalid-encrypted-content" };
  }
  if (status >= 500 && status <= 599) return { kind: "retryable" };
  return { kind: "pass" };
}

/** Classifies one parsed SSE `data:` payload seen before the stream is committed to the client. Pure. */
export function classifyEarlyEvent(data: unknown, now: Date): EventVerdict {
  const event = jsonObject(data);
  const type = nonEmptyString(event?.type);
  if (!event || !type) return { kind: "commit" };
  if (PRELUDE_EVENTS.has(type)) return { kind: "wait" };
  if (type === "response.failed" || type === "error") {
    const error = jsonObject(jsonObject(event.response)?.error) ?? jsonObject(event.error) ?? event;
    for (const candidate of [nonEmptyString(error.code), nonEmptyString(error.type)]) {
      if (candidate && USAGE_LIMIT_STREAM_CODES.has(candidate)) return limitFrom(error, candidate, now);
    }
  }
  return { kind: "commit" };
}

/** What the complete events at the start of a text say, and where the unread rest begins. */
export interface TextVerdict {
  /** The first verdict that is not "wait" ("wait" when every complete event was a prelude). */
  verdict: EventVerdict;
  /** Characters consumed: the rest, from here on, is an event not yet complete. */
  consumed: number;
}

const WAIT: EventVerdict = { kind: "wait" };
const COMMIT: EventVerdict = { kind: "commit" };

/**
 * The verdict of one SSE data payload. A payload that opens with its `type` (as OpenAI's do) is decided
 * from that alone unless it is a failure, so the usual prelude and delta events are never parsed. Pure.
 */
export function classifyEventData(data: string, now: Date): EventVerdict {
  const TYPE = '{"type":"';
  if (data.startsWith(TYPE)) {
    const end = data.indexOf('"', TYPE.length);
    const type = end > 0 ? data.slice(TYPE.length, end) : "";
    if (type !== "" && !type.includes("\\") && type !== "response.failed" && type !== "error") {
      return PRELUDE_EVENTS.has(type) ? WAIT : COMMIT;
    }
  }
  return classifyEarlyEvent(parseJson(data), now);
}

/**
 * Reads the complete SSE events of `text` (`\n` line ends) in order until one decides, without splitting
 * the text into arrays: a block's `data:` lines are its payload (joined by `\n`), blocks without data are
 * skipped. Pure.
 */
export function classifySseText(text: string, now: Date): TextVerdict {
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n\n", start);
    if (end < 0) return { verdict: WAIT, consumed: start };
    let data: string | null = null;
    for (let line = start; line < end;) {
      const next = text.indexOf("\n", line);
      const lineEnd = next < 0 || next > end ? end : next;
      if (text.startsWith("data:", line)) {
        const from = text.charCodeAt(line + 5) === 32 ? line + 6 : line + 5;
        const part = text.slice(from, lineEnd);
        data = data === null ? part : `${data}\n${part}`;
      }
      line = lineEnd + 1;
    }
    start = end + 2;
    if (data === null) continue;
    const verdict = classifyEventData(data, now);
    if (verdict.kind !== "wait") return { verdict, consumed: start };
  }
}

/** `text` with CR LF and lone CR line ends made LF; a CR at the very end is kept (its LF may follow). Pure. */
export function normaliseLineEnds(text: string): string {
  if (!text.includes("\r")) return text;
  const last = text.endsWith("\r") ? "\r" : "";
  return text.slice(0, text.length - last.length).replace(/\r\n?/g, "\n") + last;
}
