/**
 * @module
 * What a window's samples say about the next hours: its level over a span of time in even steps (what a
 * sparkline or a chart draws) and, at the pace of the recent past, when it would run out — or that it resets
 * first. Pure: inputs are samples (`usage_samples.ts`) and a `now` in epoch seconds.
 */

import type { UsageSample } from "./usage_samples.ts";

/** A window's pace and where it leads. */
export type UsagePace =
  /** At `percentPerHour` it reaches 100 % at `at` (epoch seconds), before its reset. */
  | { kind: "runs-out"; at: number; percentPerHour: number; resetsAt: number | null }
  /** At this pace (possibly 0) it resets before it runs out. */
  | { kind: "lasts"; percentPerHour: number; resetsAt: number | null }
  /** It is at 100 % already, until `resetsAt`. */
  | { kind: "exhausted"; resetsAt: number | null }
  /** Too few recent samples of the current window cycle to tell. */
  | { kind: "unknown" };

/** Two resets this close belong to the same window cycle. */
const SAME_CYCLE_SECONDS = 300;

/** A pace needs samples spanning at least this long. */
const MIN_SPAN_SECONDS = 5 * 60;

function sameCycle(a: UsageSample, b: UsageSample): boolean {
  if (a.resetsAt === null || b.resetsAt === null) return a.resetsAt === b.resetsAt;
  return Math.abs(a.resetsAt - b.resetsAt) <= SAME_CYCLE_SECONDS;
}

/** How far back the pace looks: a fifth of the window (1 h for 5 hours), at least an hour. Pure. */
export function paceLookbackSeconds(windowMinutes: number | null): number {
  return Math.max(3600, Math.round(((windowMinutes ?? 300) * 60) / 5));
}

/**
 * The pace of one window from its samples (oldest first): the rise over the recent samples of the current
 * cycle (those within {@link paceLookbackSeconds} of now), carried forward from the last sample. Pure.
 */
export function projectUsage(samples: readonly UsageSample[], nowSeconds: number): UsagePace {
  const last = samples.at(-1);
  if (last === undefined || last.at > nowSeconds) return { kind: "unknown" };
  if (last.resetsAt !== null && last.resetsAt <= nowSeconds) return { kind: "unknown" };
  if (last.usedPercent >= 100) return { kind: "exhausted", resetsAt: last.resetsAt };
  const since = nowSeconds - paceLookbackSeconds(last.windowMinutes);
  let first = last;
  for (let i = samples.length - 2; i >= 0; i--) {
    const s = samples[i];
    if (s.at < since || !sameCycle(s, last) || s.usedPercent > last.usedPercent) break;
    first = s;
  }
  const span = last.at - first.at;
  if (span < MIN_SPAN_SECONDS) return { kind: "unknown" };
  const perSecond = (last.usedPercent - first.usedPercent) / span;
  const percentPerHour = Math.round(perSecond * 3600 * 10) / 10;
  if (perSecond <= 0) return { kind: "lasts", percentPerHour: 0, resetsAt: last.resetsAt };
  const at = Math.round(last.at + (100 - last.usedPercent) / perSecond);
  if (last.resetsAt !== null && at >= last.resetsAt) {
    return { kind: "lasts", percentPerHour, resetsAt: last.resetsAt };
  }
  return { kind: "runs-out", at: Math.max(at, nowSeconds), percentPerHour, resetsAt: last.resetsAt };
}

/**
 * The window's level at the end of each of `steps` even steps from `from` to `to` (epoch seconds): the last
 * sample at or before that moment, 0 once its reset has passed, null before the first sample. Pure.
 */
export function usageLevels(
  samples: readonly UsageSample[],
  range: { from: number; to: number; steps: number },
): (number | null)[] {
  const levels: (number | null)[] = [];
  const width = (range.to - range.from) / Math.max(1, range.steps);
  let i = -1;
  for (let step = 1; step <= range.steps; step++) {
    const at = range.from + width * step;
    while (i + 1 < samples.length && samples[i + 1].at <= at) i++;
    if (i < 0) {
      levels.push(null);
      continue;
    }
    const s = samples[i];
    levels.push(s.resetsAt !== null && s.resetsAt <= at ? 0 : s.usedPercent);
  }
  return levels;
}
