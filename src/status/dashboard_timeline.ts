/**
 * @module
 * The dashboard's timeline of recent limits and switches, and the marks on each account's chart, from what
 * the cao home records: the last usage limit and the last cleared cooldown of each account
 * (`account_status.json`), the usage history (a window reaching 100 %, a window resetting), and the moves
 * `cao run` and the gateway reported (`moved` events). Where no move was recorded, one is inferred: an
 * account that hits its limit and another that starts serving within {@link MOVE_WINDOW_SECONDS} after it
 * (its first usage reading from a response or a rollout after a quiet half hour). Pure; times are epoch
 * seconds.
 */

import type { AccountStatus } from "../accounts/status_store.ts";
import {
  USAGE_WINDOW_NAMES,
  type UsageHistory,
  type UsageSample,
  type UsageWindowName,
} from "../accounts/usage_samples.ts";
import { CLEAR_WORDS } from "./cooldown_view.ts";

/** A move of the work from one account to another, as recorded. */
export interface RecordedMove {
  at: number;
  from: string;
  to: string;
  via: "gateway" | "run" | "inferred";
}

/** One line of the timeline. */
export type TimelineEvent =
  | { kind: "limit"; at: number; account: string; window: UsageWindowName | null; text: string }
  | { kind: "switch"; at: number; account: string; to: string; via: RecordedMove["via"]; text: string }
  | { kind: "cleared"; at: number; account: string; text: string };

/** A mark on a chart. */
export interface ChartMark {
  at: number;
  kind: "reset" | "limit" | "switch";
  /** The tooltip. */
  label: string;
}

/** A move is inferred only within this long after a limit. */
export const MOVE_WINDOW_SECONDS = 15 * 60;

/** An account counts as newly serving after this long without a reading from a response or rollout. */
const QUIET_SECONDS = 30 * 60;

/** Two limit records of one account this close are one limit. */
const SAME_LIMIT_SECONDS = 10 * 60;

/** At most this many timeline lines. */
export const TIMELINE_LIMIT = 40;

/** `5-hour` / `weekly`. */
export const WINDOW_WORDS: Record<UsageWindowName, string> = { primary: "5-hour", secondary: "weekly" };

/** Sources of readings that mean the account was serving work (not a probe of the usage endpoint). */
const SERVING_SOURCES = new Set(["headers", "rollout"]);

function epoch(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** Two readings whose resets are this close belong to one window cycle (resets derived from "reset after"). */
const SAME_CYCLE_SECONDS = 300;

function sameCycle(a: UsageSample, b: UsageSample): boolean {
  if (a.resetsAt === null || b.resetsAt === null) return a.resetsAt === b.resetsAt;
  return Math.abs(a.resetsAt - b.resetsAt) <= SAME_CYCLE_SECONDS;
}

function historyLimits(account: string, history: UsageHistory): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (const window of USAGE_WINDOW_NAMES) {
    let previous: UsageSample | null = null;
    for (const sample of history.accounts[account]?.[window] ?? []) {
      const newCycle = previous === null || !sameCycle(previous, sample);
      if (sample.usedPercent >= 100 && (newCycle || previous!.usedPercent < 100)) {
        out.push({
          kind: "limit",
          at: sample.at,
          account,
          window,
          text: `${account}: the ${WINDOW_WORDS[window]} window is used up`,
        });
      }
      previous = sample;
    }
  }
  return out;
}

function limitsOf(account: string, status: AccountStatus, history: UsageHistory): TimelineEvent[] {
  const limits = historyLimits(account, history);
  const hit = epoch(status.lastQuotaHitAt);
  if (hit === null) return limits;
  const reason = status.cooldownReason ? ` (${status.cooldownReason})` : "";
  return [
    { kind: "limit", at: hit, account, window: null, text: `${account} hit its usage limit${reason}` },
    ...limits.filter((l) => Math.abs(l.at - hit) > SAME_LIMIT_SECONDS),
  ];
}

/** When each account served work (readings from responses or rollouts), sorted. Pure. */
function servingTimes(history: UsageHistory): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [name, account] of Object.entries(history.accounts)) {
    const times = new Set<number>();
    for (const window of USAGE_WINDOW_NAMES) {
      for (const s of account[window]) if (SERVING_SOURCES.has(s.source)) times.add(s.at);
    }
    out.set(name, [...times].sort((a, b) => a - b));
  }
  return out;
}

/** The move a limit most likely caused, when no move was recorded near it. Pure. */
function inferMove(limit: TimelineEvent, serving: Map<string, number[]>): RecordedMove | null {
  let best: RecordedMove | null = null;
  for (const [name, times] of serving) {
    if (name === limit.account) continue;
    const first = times.find((t) => t >= limit.at && t <= limit.at + MOVE_WINDOW_SECONDS);
    if (first === undefined) continue;
    if (times.some((t) => t < limit.at && t >= limit.at - QUIET_SECONDS)) continue;
    if (best === null || first < best.at) {
      best = { at: first, from: limit.account, to: name, via: "inferred" };
    }
  }
  return best;
}

function switchEvent(move: RecordedMove): TimelineEvent {
  const how = move.via === "inferred"
    ? " (as the usage readings show)"
    : ` (${move.via === "run" ? "cao run" : "gateway"})`;
  return {
    kind: "switch",
    at: move.at,
    account: move.from,
    to: move.to,
    via: move.via,
    text: `switched from ${move.from} to ${move.to}${how}`,
  };
}

/** What the timeline is built from. */
export interface TimelineInput {
  statuses: { name: string; status: AccountStatus }[];
  history: UsageHistory;
  moves: RecordedMove[];
  /** The range shown, epoch seconds. */
  from: number;
  to: number;
}

/** The timeline, newest first, at most {@link TIMELINE_LIMIT} lines within the range. Pure. */
export function buildTimeline(input: TimelineInput): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const serving = servingTimes(input.history);
  for (const { name, status } of input.statuses) {
    const limits = limitsOf(name, status, input.history);
    events.push(...limits);
    for (const limit of limits) {
      const recorded = input.moves.some((m) =>
        m.from === name && Math.abs(m.at - limit.at) <= MOVE_WINDOW_SECONDS
      );
      const inferred = recorded ? null : inferMove(limit, serving);
      if (inferred) events.push(switchEvent(inferred));
    }
    const cleared = status.cooldownCleared;
    const at = cleared ? epoch(cleared.at) : null;
    if (cleared && at !== null) {
      events.push({
        kind: "cleared",
        at,
        account: name,
        text: `${name} is usable again: ${CLEAR_WORDS[cleared.why]}`,
      });
    }
  }
  events.push(...input.moves.map(switchEvent));
  const seen = new Set<string>();
  return events
    .filter((e) => e.at >= input.from && e.at <= input.to)
    .sort((a, b) => b.at - a.at || a.text.localeCompare(b.text))
    .filter((e) => {
      const id = `${e.kind}:${e.at}:${e.text}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .slice(0, TIMELINE_LIMIT);
}

/** The resets of one window within [from, to]: where a reading's reset time passed before the next reading. Pure. */
export function resetsOf(samples: readonly UsageSample[], from: number, to: number): number[] {
  const resets = new Set<number>();
  for (let i = 0; i < samples.length; i++) {
    const at = samples[i].resetsAt;
    if (at === null || at < from || at > to) continue;
    const next = samples[i + 1];
    if (next === undefined || (next.at >= at && !sameCycle(next, samples[i]))) resets.add(at);
  }
  return [...resets].sort((a, b) => a - b);
}

/** The marks of one account's chart: its resets, its limits and the moves from or to it. Pure. */
export function chartMarks(
  account: string,
  history: UsageHistory,
  timeline: TimelineEvent[],
  range: { from: number; to: number },
): ChartMark[] {
  const marks: ChartMark[] = [];
  for (const window of USAGE_WINDOW_NAMES) {
    for (const at of resetsOf(history.accounts[account]?.[window] ?? [], range.from, range.to)) {
      marks.push({ at, kind: "reset", label: `${WINDOW_WORDS[window]} window reset` });
    }
  }
  for (const event of timeline) {
    if (event.kind === "limit" && event.account === account) {
      marks.push({ at: event.at, kind: "limit", label: event.text });
    }
    if (event.kind === "switch" && (event.account === account || event.to === account)) {
      marks.push({ at: event.at, kind: "switch", label: event.text });
    }
  }
  return marks.sort((a, b) => a.at - b.at);
}
