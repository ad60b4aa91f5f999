/**
 * @module
 * Usage windows from the upstream's rate-limit headers (CODEX_FACTS §3.1): `x-codex-primary-*` (the 5-hour
 * window) and `x-codex-secondary-*` (the weekly one), each with `-used-percent`, `-window-minutes` and
 * `-reset-at` (unix seconds). Pure; the gateway records the result through `recordUsage`.
 */

import type { UsageSnapshot, UsageWindow } from "../accounts/status_store.ts";

/** Something with a `get(name)` (a `Headers`, or a test's plain map). */
export interface HeaderSource {
  get(name: string): string | null;
}

function number(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function readWindow(headers: HeaderSource, name: "primary" | "secondary"): UsageWindow | null {
  const used = number(headers.get(`x-codex-${name}-used-percent`));
  const minutes = number(headers.get(`x-codex-${name}-window-minutes`));
  const resetAt = number(headers.get(`x-codex-${name}-reset-at`));
  // Codex records a window only when something in it is known (§3.1).
  if ((used === null || used === 0) && (minutes === null || minutes === 0) && resetAt === null) return null;
  return {
    usedPercent: used ?? 0,
    windowMinutes: minutes !== null ? Math.round(minutes) : null,
    resetsAt: resetAt !== null ? Math.round(resetAt) : null,
  };
}

/** The usage windows in `headers`, or null when there are none. Pure. */
export function usageFromHeaders(headers: HeaderSource, now: Date): UsageSnapshot | null {
  const primary = readWindow(headers, "primary");
  const secondary = readWindow(headers, "secondary");
  if (primary === null && secondary === null) return null;
  return { primary, secondary, observedAt: now.toISOString(), source: "headers" };
}

/** The latest reset time among the windows at 100 % (what a usage limit waits for), epoch seconds. Pure. */
export function exhaustedResetAt(usage: UsageSnapshot | null): number | null {
  if (!usage) return null;
  const full = [usage.primary, usage.secondary].filter((w) =>
    w !== null && w.usedPercent >= 100 && w.resetsAt
  );
  return full.length === 0 ? null : Math.max(...full.map((w) => w!.resetsAt!));
}

/** Whether two snapshots hold the same windows (ignoring when they were seen). Pure. */
export function sameWindows(a: UsageSnapshot | null, b: UsageSnapshot | null): boolean {
  return JSON.stringify([a?.primary ?? null, a?.secondary ?? null]) ===
    JSON.stringify([b?.primary ?? null, b?.secondary ?? null]);
}
