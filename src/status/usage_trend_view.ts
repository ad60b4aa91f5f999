/**
 * @module
 * The usage history as the status views show it: per window, the trend of the last hours (a one-line
 * sparkline, 6 hours for the 5-hour window, a day for the weekly one) and the pace — when, at the rate of the
 * recent past, the window would run out, or that it lasts until its reset; and the same as JSON (the
 * samples, the pace). Pure.
 */

import { projectUsage, usageLevels, type UsagePace } from "../accounts/usage_trend.ts";
import type { AccountHistory, UsageSample, UsageWindowName } from "../accounts/usage_samples.ts";
import { formatRelative } from "../shared/format.ts";

/** How far back each window's trend goes, hours. */
export const TREND_HOURS: Record<UsageWindowName, number> = { primary: 6, secondary: 24 };

/** How much history the views need (the trend, and the weekly pace's day-and-a-half), seconds. */
export const HISTORY_NEEDED_SECONDS = 2 * 86400;

/** Width of a sparkline, characters. */
export const SPARKLINE_WIDTH = 24;

const BARS = "▁▂▃▄▅▆▇█";

/** One character per level (0-100), a dot where there is no data. Pure. */
export function sparkline(levels: readonly (number | null)[]): string {
  return levels.map((level) => {
    if (level === null) return "·";
    const index = Math.min(BARS.length - 1, Math.max(0, Math.floor((level / 100) * BARS.length)));
    return BARS[index];
  }).join("");
}

/** The trend row of one window: `▁▂▃▅▇ 10% → 48% over 6h`, or null without samples in the span. Pure. */
export function trendText(
  samples: readonly UsageSample[],
  window: UsageWindowName,
  now: Date,
): string | null {
  const to = Math.floor(now.getTime() / 1000);
  const from = to - TREND_HOURS[window] * 3600;
  const levels = usageLevels(samples, { from, to, steps: SPARKLINE_WIDTH });
  const known = levels.filter((l): l is number => l !== null);
  if (known.length === 0) return null;
  const round = (n: number) => `${Math.round(n)}%`;
  return `${sparkline(levels)}  ${round(known[0])} → ${round(known.at(-1)!)} over ${TREND_HOURS[window]}h`;
}

/** The pace row of one window. Pure. */
export function paceText(pace: UsagePace, now: Date): string {
  const when = (epoch: number) =>
    `${new Date(epoch * 1000).toISOString()} (${formatRelative(new Date(epoch * 1000), now)})`;
  switch (pace.kind) {
    case "unknown":
      return "unknown (too few recent readings)";
    case "exhausted":
      return pace.resetsAt === null ? "used up" : `used up until its reset at ${when(pace.resetsAt)}`;
    case "lasts":
      return pace.percentPerHour === 0
        ? "not rising; lasts until its reset"
        : `+${pace.percentPerHour}%/h; lasts until its reset`;
    case "runs-out":
      return `+${pace.percentPerHour}%/h; runs out at ${when(pace.at)}${
        pace.resetsAt === null ? "" : ", before its reset"
      }`;
  }
}

/** One sample as JSON. */
export interface SampleJson {
  at: string;
  atEpoch: number;
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: string | null;
  resetsAtEpoch: number | null;
  source: string;
}

/** The pace as JSON (`kind`: `runs-out`, `lasts`, `exhausted`, `unknown`). */
export interface PaceJson {
  kind: UsagePace["kind"];
  /** Percent of the window per hour, null when unknown. */
  percentPerHour: number | null;
  /** When it would run out at this pace (only for `runs-out`). */
  runsOutAt: string | null;
  runsOutAtEpoch: number | null;
}

/** One window's history as JSON. */
export interface WindowHistoryJson {
  /** The samples of the trend's span, oldest first. */
  samples: SampleJson[];
  pace: PaceJson;
}

const iso = (epoch: number | null) => epoch === null ? null : new Date(epoch * 1000).toISOString();

function windowJson(samples: readonly UsageSample[], window: UsageWindowName, now: Date): WindowHistoryJson {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const from = nowSeconds - TREND_HOURS[window] * 3600;
  const pace = projectUsage(samples, nowSeconds);
  return {
    samples: samples.filter((s) => s.at >= from).map((s) => ({
      at: iso(s.at)!,
      atEpoch: s.at,
      usedPercent: s.usedPercent,
      windowMinutes: s.windowMinutes,
      resetsAt: iso(s.resetsAt),
      resetsAtEpoch: s.resetsAt,
      source: s.source,
    })),
    pace: {
      kind: pace.kind,
      percentPerHour: pace.kind === "runs-out" || pace.kind === "lasts" ? pace.percentPerHour : null,
      runsOutAt: pace.kind === "runs-out" ? iso(pace.at) : null,
      runsOutAtEpoch: pace.kind === "runs-out" ? pace.at : null,
    },
  };
}

/** An account's history as JSON: `{ fiveHour, weekly }`. Pure. */
export function historyJson(
  history: AccountHistory,
  now: Date,
): { fiveHour: WindowHistoryJson; weekly: WindowHistoryJson } {
  return {
    fiveHour: windowJson(history.primary, "primary", now),
    weekly: windowJson(history.secondary, "secondary", now),
  };
}

/** The rows `cao status --full` adds for an account's history. Pure. */
export function historyRows(history: AccountHistory, now: Date): string[][] {
  const rows: string[][] = [];
  const nowSeconds = Math.floor(now.getTime() / 1000);
  for (const [window, label] of [["primary", "5-hour"], ["secondary", "weekly"]] as const) {
    const samples = history[window];
    rows.push([`${label} trend`, trendText(samples, window, now) ?? "no readings in the last hours"]);
    rows.push([`${label} pace`, paceText(projectUsage(samples, nowSeconds), now)]);
  }
  return rows;
}
