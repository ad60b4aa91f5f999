/**
 * @module
 * Reading Codex's session rollouts (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`,
 * CODEX_FACTS §2.3, §3.3): how each turn ended (`task_complete`, with `error.codex_error_info`, or
 * `turn_aborted`), the usage windows of the last `token_count`, and when a usage limit resets. Pure: the
 * input is rollout lines as text, the output plain values; reading the files is `rollout_watch.ts`'s job.
 *
 * The facts this relies on (verified against codex 0.169): a limited turn writes a `token_count` whose
 * `rate_limits` window sits at 100 % with its `resets_at` (epoch seconds), then a `task_complete` whose
 * `error.codex_error_info` is `"usage_limit_exceeded"` (for `usage_limit_reached`, `usage_not_included` and
 * `insufficient_quota` alike). The 429 body's own `resets_at` is not written anywhere, but Codex's message
 * ("… try again at 3:44 PM.") carries it in local time.
 */

import { finiteNumber, jsonObject } from "../shared/json_value.ts";
import type { UsageSnapshot, UsageWindow } from "../accounts/status_store.ts";

/** One rollout line: `{timestamp, ordinal, type, payload}`. */
export interface RolloutLine {
  /** ISO 8601, when Codex wrote the line. */
  timestamp: string | null;
  /** `session_meta`, `event_msg`, `response_item`, `turn_context`, … */
  type: string;
  /** The line's payload (for `event_msg`, `payload.type` names the event). */
  payload: Record<string, unknown>;
}

/** The `rate_limits` of a `token_count` event, as cao keeps them. */
export interface RateLimitSnapshot {
  /** The 5-hour window. */
  primary: UsageWindow | null;
  /** The weekly window. */
  secondary: UsageWindow | null;
  /** When it was written (the line's timestamp), ISO 8601. */
  observedAt: string | null;
}

/** Which kind of usage limit a turn ran into, from Codex's message. */
export type UsageLimitReason = "usage_limit" | "usage_not_included" | "insufficient_quota";

/** How one turn of a session ended. */
export type TurnEnd =
  | {
    kind: "completed";
    /** When it ended (the line's timestamp), or null. */
    at: string | null;
    /** The error of a failed turn, or null for a turn that succeeded. */
    error: { message: string; info: unknown } | null;
    /** The last rate limits seen in this session before the turn ended. */
    rateLimits: RateLimitSnapshot | null;
  }
  | {
    kind: "aborted";
    at: string | null;
    /** `interrupted` (Ctrl-C, a signal), or another reason Codex gives. */
    reason: string;
    rateLimits: RateLimitSnapshot | null;
  };

/** Parses one line of a rollout; null for a blank, broken or foreign line. Pure. */
export function parseRolloutLine(text: string): RolloutLine | null {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const line = jsonObject(value);
  const payload = jsonObject(line?.payload);
  if (!line || typeof line.type !== "string" || !payload) return null;
  return { timestamp: typeof line.timestamp === "string" ? line.timestamp : null, type: line.type, payload };
}

const ROLLOUT_NAME = /^rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

/** The thread (session) id in a rollout file name, or null when the name is not a rollout's. Pure. */
export function sessionIdFromRolloutName(name: string): string | null {
  const base = name.split(/[\\/]/).at(-1) ?? "";
  return ROLLOUT_NAME.exec(base)?.[1].toLowerCase() ?? null;
}

function parseWindow(value: unknown): UsageWindow | null {
  const w = jsonObject(value);
  const used = finiteNumber(w?.used_percent);
  if (!w || used === null) return null;
  return {
    usedPercent: used,
    windowMinutes: finiteNumber(w.window_minutes),
    resetsAt: finiteNumber(w.resets_at),
  };
}

/** The windows of a `token_count.rate_limits` object, or null when it has none. Pure. */
export function parseRateLimits(value: unknown, observedAt: string | null): RateLimitSnapshot | null {
  const limits = jsonObject(value);
  if (!limits) return null;
  const primary = parseWindow(limits.primary);
  const secondary = parseWindow(limits.secondary);
  if (primary === null && secondary === null) return null;
  return { primary, secondary, observedAt };
}

/** Follows one session's rollout line by line and reports each turn's end. Feed it lines in file order. */
export class TurnTracker {
  #rateLimits: RateLimitSnapshot | null = null;

  /** The last rate limits seen so far. */
  get rateLimits(): RateLimitSnapshot | null {
    return this.#rateLimits;
  }

  /** Takes one line; returns the turn end it records, if it records one. */
  feed(line: RolloutLine): TurnEnd | null {
    if (line.type !== "event_msg") return null;
    const event = line.payload;
    if (event.type === "token_count") {
      this.#rateLimits = parseRateLimits(event.rate_limits, line.timestamp) ?? this.#rateLimits;
      return null;
    }
    if (event.type === "task_complete") {
      const error = jsonObject(event.error);
      return {
        kind: "completed",
        at: line.timestamp,
        error: error
          ? { message: typeof error.message === "string" ? error.message : "", info: error.codex_error_info }
          : null,
        rateLimits: this.#rateLimits,
      };
    }
    if (event.type === "turn_aborted") {
      return {
        kind: "aborted",
        at: line.timestamp,
        reason: typeof event.reason === "string" ? event.reason : "aborted",
        rateLimits: this.#rateLimits,
      };
    }
    return null;
  }
}

/** The turn ends recorded in a list of rollout lines (one session, file order). Pure. */
export function turnEndsOf(lines: RolloutLine[]): TurnEnd[] {
  const tracker = new TurnTracker();
  return lines.map((line) => tracker.feed(line)).filter((end): end is TurnEnd => end !== null);
}

const USAGE_LIMIT_INFOS = new Set([
  "usage_limit_exceeded",
  "usagelimitexceeded",
  "usage_not_included",
  "usagenotincluded",
  "insufficient_quota",
  "insufficientquota",
]);

/** What Codex records for a stream that failed in-stream, `response.failed` included (0.169, 0.171). */
const STREAM_FAILED = /^stream disconnected before completion:/i;

/**
 * Whether a turn ended on a usage limit: `codex_error_info: "usage_limit_exceeded"` (a 429
 * `usage_limit_reached`, `usage_not_included`, an in-stream `insufficient_quota`), or a limit that arrived
 * inside the stream (`response.failed` with `usage_limit_reached`), which Codex records only as
 * `codex_error_info: "other"` with `stream disconnected before completion: <message>`: that counts when the
 * session's last rate limits show a window at 100 % (the stream's own `x-codex-*` headers say so) or the
 * message names the usage limit. Pure.
 */
export function isUsageLimit(end: TurnEnd): boolean {
  if (end.kind !== "completed" || end.error === null) return false;
  const info = end.error.info;
  if (typeof info === "string" && USAGE_LIMIT_INFOS.has(info.toLowerCase())) return true;
  if (info !== "other" || !STREAM_FAILED.test(end.error.message)) return false;
  const full = [end.rateLimits?.primary, end.rateLimits?.secondary].some((w) =>
    w != null && w.usedPercent >= 100
  );
  return full || /usage[ _]limit/i.test(end.error.message);
}

/**
 * Whether a turn ended because the upstream refused encrypted items another account minted (a 400
 * `invalid_encrypted_content`, which Codex records as `codex_error_info: "other"` with the raw body as the
 * message). Pure.
 */
export function isAccountBoundRefusal(end: TurnEnd): boolean {
  return end.kind === "completed" && end.error !== null &&
    /invalid_encrypted_content/.test(end.error.message);
}

/** Which usage limit Codex's message describes (§2.1, §2.2). Pure. */
export function usageLimitReason(message: string): UsageLimitReason {
  if (/upgrade to Plus: https:\/\/chatgpt\.com\/explore\/plus\.?$/i.test(message.trim())) {
    return "usage_not_included";
  }
  if (/^Quota exceeded\b/i.test(message.trim())) return "insufficient_quota";
  return "usage_limit";
}

/** The usage snapshot of a rate-limit reading, for the account status. Pure. */
export function usageFromRateLimits(limits: RateLimitSnapshot, fallbackObservedAt: Date): UsageSnapshot {
  return {
    primary: limits.primary,
    secondary: limits.secondary,
    observedAt: limits.observedAt ?? fallbackObservedAt.toISOString(),
    source: "rollout",
  };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * The reset time in Codex's usage-limit message ("try again at 3:44 PM." or "try again at Nov 23rd, 2026
 * 9:17 PM."), read in local time as Codex wrote it. A bare time is the next such time after `at`. The end
 * of the named minute is returned, since Codex rounds the reset down to the minute. Pure (given the TZ).
 */
export function resetFromMessage(message: string, at: Date): Date | null {
  const match =
    /try again at (?:([A-Za-z]{3})[a-z]* (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}),? )?(\d{1,2}):(\d{2})\s*([AP]M)/i
      .exec(message);
  if (!match) return null;
  const [, monthName, day, year, hourText, minuteText, meridiem] = match;
  let hour = Number(hourText) % 12;
  if (meridiem.toUpperCase() === "PM") hour += 12;
  const minute = Number(minuteText);
  if (hour > 23 || minute > 59) return null;
  let result: Date;
  if (monthName !== undefined) {
    const month = MONTHS.indexOf(monthName.toLowerCase());
    if (month < 0) return null;
    result = new Date(Number(year), month, Number(day), hour, minute, 59, 999);
  } else {
    result = new Date(at.getFullYear(), at.getMonth(), at.getDate(), hour, minute, 59, 999);
    if (result.getTime() <= at.getTime()) {
      result = new Date(at.getFullYear(), at.getMonth(), at.getDate() + 1, hour, minute, 59, 999);
    }
  }
  return Number.isNaN(result.getTime()) ? null : result;
}

/**
 * When a usage limit resets: the latest `resets_at` among the windows at 100 % in the last `token_count`,
 * else the time in Codex's message, else null (the caller applies its default cooldown). Pure.
 */
export function usageLimitResetsAt(end: TurnEnd, now: Date): Date | null {
  const windows = [end.rateLimits?.primary, end.rateLimits?.secondary].filter((w) => w != null);
  const full = windows.filter((w) => w.usedPercent >= 100 && w.resetsAt !== null);
  if (full.length > 0) return new Date(Math.max(...full.map((w) => w.resetsAt! * 1000)));
  if (end.kind === "completed" && end.error !== null) {
    const at = end.at !== null && !Number.isNaN(Date.parse(end.at)) ? new Date(end.at) : now;
    return resetFromMessage(end.error.message, at);
  }
  return null;
}
