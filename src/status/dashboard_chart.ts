/**
 * @module
 * The dashboard's usage chart as SVG: one account's 5-hour and weekly used percent over the range shown (the
 * last day or week), one step line per window (`path.series`, `data-window="primary|secondary"`), sampled in
 * {@link CHART_STEPS} even steps (`usageLevels`: the last reading of each step, 0 once its reset passed), with
 * vertical marks for resets, limits and switches (each with its tooltip), grid lines at 0, 50 and 100 %, and
 * times relative to now along the bottom (so no time zone is involved). Styling is left to classes (the
 * page's stylesheet, dark mode included); no inline style, so a strict Content-Security-Policy holds. Pure.
 */

import type { UsageSample, UsageWindowName } from "../accounts/usage_samples.ts";
import { usageLevels } from "../accounts/usage_trend.ts";
import type { ChartMark } from "./dashboard_timeline.ts";
import { escapeHtml } from "./html_escape.ts";

/** Steps across the chart. */
export const CHART_STEPS = 240;

/** What one chart shows. */
export interface ChartInput {
  /** The account (for the accessible label). */
  account: string;
  /** The range, epoch seconds (`to` is now). */
  from: number;
  to: number;
  /** Each window's readings, oldest first (readings before `from` carry their level in). */
  windows: Record<UsageWindowName, readonly UsageSample[]>;
  marks: readonly ChartMark[];
}

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 44;
const RIGHT = 8;
const TOP = 8;
const BOTTOM = 24;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function xOf(at: number, input: ChartInput): number {
  return LEFT + ((at - input.from) / Math.max(1, input.to - input.from)) * PLOT_W;
}

function yOf(percent: number): number {
  return TOP + PLOT_H - (Math.max(0, Math.min(100, percent)) / 100) * PLOT_H;
}

/** The `d` of a step line through `levels` (null: no reading yet, the line breaks). Pure. */
export function stepPath(levels: readonly (number | null)[]): string {
  const step = PLOT_W / Math.max(1, levels.length);
  const parts: string[] = [];
  let drawing = false;
  levels.forEach((level, i) => {
    if (level === null) {
      drawing = false;
      return;
    }
    const y = round(yOf(level));
    const xEnd = round(LEFT + step * (i + 1));
    parts.push(drawing ? `V${y}H${xEnd}` : `M${round(LEFT + step * i)} ${y}H${xEnd}`);
    drawing = true;
  });
  return parts.join("");
}

function timeTicks(input: ChartInput): { at: number; label: string }[] {
  const span = input.to - input.from;
  const unit = span > 2 * 86400 ? 86400 : 6 * 3600;
  const suffix = unit === 86400 ? "d" : "h";
  const per = unit === 86400 ? 1 : 6;
  const ticks: { at: number; label: string }[] = [];
  for (let n = Math.floor(span / unit); n >= 1; n--) {
    ticks.push({ at: input.to - n * unit, label: `-${n * per}${suffix}` });
  }
  ticks.push({ at: input.to, label: "now" });
  return ticks;
}

function gridLines(input: ChartInput): string[] {
  const out: string[] = [];
  for (const percent of [0, 50, 100]) {
    const y = round(yOf(percent));
    out.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}"/>`);
    out.push(
      `<text class="axis" x="${LEFT - 4}" y="${
        round(yOf(percent) + 3.5)
      }" text-anchor="end">${percent}%</text>`,
    );
  }
  for (const tick of timeTicks(input)) {
    const x = round(xOf(tick.at, input));
    const anchor = tick.at === input.to ? "end" : "middle";
    out.push(`<line class="tick" x1="${x}" x2="${x}" y1="${TOP + PLOT_H}" y2="${TOP + PLOT_H + 4}"/>`);
    out.push(`<text class="axis" x="${x}" y="${HEIGHT - 6}" text-anchor="${anchor}">${tick.label}</text>`);
  }
  return out;
}

function markLines(input: ChartInput): string[] {
  return input.marks.filter((m) => m.at >= input.from && m.at <= input.to).map((m) => {
    const x = round(xOf(m.at, input));
    return `<line class="mark mark-${m.kind}" data-kind="${m.kind}" x1="${x}" x2="${x}" y1="${TOP}" y2="${
      TOP + PLOT_H
    }"><title>${escapeHtml(m.label)}</title></line>`;
  });
}

/** The levels of one window across the chart's steps. Pure. */
export function windowLevels(
  samples: readonly UsageSample[],
  input: Pick<ChartInput, "from" | "to">,
): (number | null)[] {
  return usageLevels(samples, { from: input.from, to: input.to, steps: CHART_STEPS });
}

/** The chart of one account, an `<svg>` element. Pure. */
export function renderUsageChart(input: ChartInput): string {
  const series: string[] = [];
  const drawn: UsageWindowName[] = [];
  for (const window of ["secondary", "primary"] as const) {
    const levels = windowLevels(input.windows[window], input);
    if (levels.every((l) => l === null)) continue;
    drawn.push(window);
    series.push(
      `<path class="series series-${window}" data-window="${window}" d="${stepPath(levels)}"/>`,
    );
  }
  const empty = drawn.length === 0
    ? `<text class="empty" x="${LEFT + PLOT_W / 2}" y="${
      TOP + PLOT_H / 2
    }" text-anchor="middle">no usage recorded in this range</text>`
    : "";
  const label = `Usage of ${input.account}: ${
    drawn.length === 0 ? "no readings" : "5-hour and weekly used percent"
  }`;
  return [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">`,
    ...gridLines(input),
    ...markLines(input),
    ...series,
    empty,
    "</svg>",
  ].filter(Boolean).join("");
}
