/**
 * @module
 * The ChatGPT usage endpoint (CODEX_FACTS §3.4): where it lives for a backend base URL, and how its answer
 * becomes a {@link UsageSnapshot}. Pure: no I/O here.
 *
 * Answer shape (the parts used): `{ "plan_type": "plus", "rate_limit": { "limit_reached": false,
 * "primary_window": { "used_percent": 12, "limit_window_seconds": 18000, "reset_after_seconds": 3600,
 * "reset_at": <unix s> }, "secondary_window": { … } } }`.
 */

import { finiteNumber, jsonObject } from "../shared/json_value.ts";
import type { UsageSnapshot, UsageWindow } from "../accounts/status_store.ts";

/** The ChatGPT backend base when `CAO_CHATGPT_BASE_URL` is not set. */
export const DEFAULT_CHATGPT_BASE_URL = "https://chatgpt.com/backend-api";

/** The environment variable overriding the ChatGPT backend base (tests point it at a loopback mock). */
export const CHATGPT_BASE_URL_ENV = "CAO_CHATGPT_BASE_URL";

/** `UsageSnapshot.source` of snapshots recorded by `cao status --refresh`. */
export const USAGE_ENDPOINT_SOURCE = "usage-endpoint";

/** What the usage endpoint said about one account. */
export interface UsageAnswer {
  /** The windows, as recorded in account_status.json. */
  usage: UsageSnapshot;
  /** `plan_type`, null when absent. */
  plan: string | null;
  /** `rate_limit.limit_reached` (or a window at 100 %). */
  limitReached: boolean;
}

/** The ChatGPT backend base: the override when set, else the default; no trailing slash. Pure. */
export function chatgptBaseUrl(env: (name: string) => string | undefined): string {
  const value = env(CHATGPT_BASE_URL_ENV);
  return (value && value.length > 0 ? value : DEFAULT_CHATGPT_BASE_URL).replace(/\/+$/, "");
}

/** `…/backend-api/wham/usage`, or `…/api/codex/usage` for a base without `/backend-api` (as Codex does). Pure. */
export function usageEndpointUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return base.includes("/backend-api") ? `${base}/wham/usage` : `${base}/api/codex/usage`;
}

function parseWindow(value: unknown, nowSeconds: number): UsageWindow | null {
  const w = jsonObject(value);
  if (w === null) return null;
  const used = finiteNumber(w.used_percent);
  if (used === null) return null;
  const seconds = finiteNumber(w.limit_window_seconds);
  const resetAt = finiteNumber(w.reset_at);
  const resetAfter = finiteNumber(w.reset_after_seconds);
  return {
    usedPercent: Math.max(0, Math.min(100, used)),
    windowMinutes: seconds === null ? null : Math.ceil(seconds / 60),
    resetsAt: resetAt ?? (resetAfter === null ? null : nowSeconds + Math.round(resetAfter)),
  };
}

/** Reads a usage answer; null when it is not one. Pure. */
export function parseUsageAnswer(body: unknown, now: Date): UsageAnswer | null {
  const doc = jsonObject(body);
  if (doc === null) return null;
  const rateLimit = doc.rate_limit;
  const limits = jsonObject(rateLimit);
  if (limits === null) return null;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const primary = parseWindow(limits.primary_window, nowSeconds);
  const secondary = parseWindow(limits.secondary_window, nowSeconds);
  const full = [primary, secondary].some((w) => w !== null && w.usedPercent >= 100);
  return {
    usage: { primary, secondary, observedAt: now.toISOString(), source: USAGE_ENDPOINT_SOURCE },
    plan: typeof doc.plan_type === "string" && doc.plan_type.length > 0 ? doc.plan_type : null,
    limitReached: limits.limit_reached === true || full,
  };
}

/** When a limited account becomes usable again: the latest reset among the windows at 100 %. Pure. */
export function limitResetsAt(usage: UsageSnapshot): Date | null {
  const resets = [usage.primary, usage.secondary]
    .filter((w): w is UsageWindow => w !== null && w.usedPercent >= 100 && w.resetsAt !== null)
    .map((w) => w.resetsAt as number);
  return resets.length === 0 ? null : new Date(Math.max(...resets) * 1000);
}
