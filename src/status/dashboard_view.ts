/**
 * @module
 * What the dashboard shows, as data: per account its login, default and gateway marks, state (with the
 * command that fixes it), both usage windows, its chart's readings and marks; the timeline; the gateway. Built
 * from the same facts and the same state rules as `cao status` (`account_state.ts`), so the page and the
 * terminal never disagree; {@link dashboardJson} is the `state` of `cao dashboard --json` (schemaVersion 1).
 * Pure: a function of the facts and a `now`.
 */

import type { DashboardRange } from "../gateway/dashboard_events.ts";
import type { UsageHistory, UsageSample, UsageWindowName } from "../accounts/usage_samples.ts";
import {
  type AccountState,
  accountState,
  needsLogin,
  STATE_LABELS,
  usageWindows,
  type WindowAt,
} from "./account_state.ts";
import type { StatusSnapshot } from "./collect.ts";
import { cooldownFacts } from "./cooldown_view.ts";
import {
  buildTimeline,
  type ChartMark,
  chartMarks,
  type RecordedMove,
  type TimelineEvent,
} from "./dashboard_timeline.ts";

/** The schema version of the dashboard state. */
export const DASHBOARD_JSON_SCHEMA_VERSION = 1;

export type { DashboardRange };

/** Seconds in each range. */
export const RANGE_SECONDS: Record<DashboardRange, number> = { day: 86400, week: 7 * 86400 };

/** What serves the page. */
export type ServedBy = "gateway" | "cao dashboard";

/** Everything the dashboard is made of. */
export interface DashboardFacts {
  snapshot: StatusSnapshot;
  history: UsageHistory;
  /** Moves recorded by `cao run` and the gateway (none when nothing records them). */
  moves: RecordedMove[];
  /** The gateway of this home that is running, from gateway.json (null: none). */
  gatewayRunning: { url: string; pid: number } | null;
  servedBy: ServedBy;
}

/** One usage window as the page shows it. */
export interface WindowView {
  usedPercent: number;
  windowMinutes: number | null;
  /** Epoch seconds, null when unknown. */
  resetsAt: number | null;
  /** The reset has passed: the percent no longer applies. */
  stale: boolean;
}

/** What to run to fix an account. */
export interface FixView {
  command: string;
  /** Why, or what happens without it. */
  note: string;
}

/** One account. */
export interface AccountCard {
  name: string;
  position: number;
  isDefault: boolean;
  inUseByGateway: boolean;
  email: string | null;
  plan: string | null;
  state: AccountState["kind"];
  stateLabel: string;
  /** Why the state is not ready (cooling: the cooldown's reason, when known). */
  stateReason: string | null;
  /** The cooldown in force: until (epoch seconds) and who set it. */
  cooldown: { until: number; reason: string | null; source: string | null } | null;
  fix: FixView | null;
  windows: Record<UsageWindowName, WindowView | null>;
  /** The readings the chart draws (from a little before the range), and its marks. */
  history: Record<UsageWindowName, UsageSample[]>;
  marks: ChartMark[];
}

/** The whole page. */
export interface DashboardView {
  /** Epoch seconds. */
  now: number;
  range: DashboardRange;
  from: number;
  to: number;
  servedBy: ServedBy;
  gateway: { configured: boolean; running: boolean; url: string | null };
  counts: { ready: number; cooling: number; needLogin: number };
  accounts: AccountCard[];
  timeline: TimelineEvent[];
}

function windowView(window: WindowAt | null): WindowView | null {
  if (window === null) return null;
  return {
    usedPercent: window.usedPercent,
    windowMinutes: window.windowMinutes,
    resetsAt: window.resetsAt ? Math.floor(window.resetsAt.getTime() / 1000) : null,
    stale: window.stale,
  };
}

function fixFor(name: string, state: AccountState): FixView | null {
  if (needsLogin(state)) return { command: `cao add ${name}`, note: "log in to this account again" };
  if (state.kind === "cooling") {
    return { command: `cao cooldown clear ${name}`, note: "only if it has room again; it ends by itself" };
  }
  return null;
}

/** The readings of a window the chart needs: the range, and the last one before it (its level carries in). */
function chartSamples(samples: readonly UsageSample[], from: number): UsageSample[] {
  const first = samples.findIndex((s) => s.at >= from);
  if (first < 0) return samples.length > 0 ? [{ ...samples[samples.length - 1] }] : [];
  return samples.slice(Math.max(0, first - 1)).map((s) => ({ ...s }));
}

/** The dashboard for `range` at the snapshot's `now`. Pure. */
export function dashboardView(facts: DashboardFacts, range: DashboardRange): DashboardView {
  const { snapshot, history } = facts;
  const now = Math.floor(snapshot.now.getTime() / 1000);
  const from = now - RANGE_SECONDS[range];
  const timeline = buildTimeline({
    statuses: snapshot.accounts.map((v) => ({ name: v.name, status: v.status })),
    history,
    moves: facts.moves,
    from,
    to: now,
  });
  const counts = { ready: 0, cooling: 0, needLogin: 0 };
  const accounts = snapshot.accounts.map((view): AccountCard => {
    const state = accountState(view, snapshot.now);
    if (state.kind === "ready") counts.ready++;
    else if (state.kind === "cooling") counts.cooling++;
    else counts.needLogin++;
    const windows = usageWindows(view, snapshot.now);
    const cooldown = cooldownFacts(view.status, snapshot.now);
    const samples = history.accounts[view.name] ?? { primary: [], secondary: [] };
    return {
      name: view.name,
      position: view.position,
      isDefault: view.isDefault,
      inUseByGateway: view.inUseByGateway,
      email: view.login.email,
      plan: view.login.plan,
      state: state.kind,
      stateLabel: STATE_LABELS[state.kind],
      stateReason: "reason" in state ? state.reason : state.kind === "cooling" ? cooldown.reason : null,
      cooldown: state.kind === "cooling" && cooldown.untilEpoch !== null
        ? { until: cooldown.untilEpoch, reason: cooldown.reason, source: cooldown.source }
        : null,
      fix: fixFor(view.name, state),
      windows: { primary: windowView(windows.fiveHour), secondary: windowView(windows.weekly) },
      history: {
        primary: chartSamples(samples.primary, from),
        secondary: chartSamples(samples.secondary, from),
      },
      marks: chartMarks(view.name, history, timeline, { from, to: now }),
    };
  });
  return {
    now,
    range,
    from,
    to: now,
    servedBy: facts.servedBy,
    gateway: {
      configured: snapshot.gateway.enabled,
      running: facts.gatewayRunning !== null,
      url: facts.gatewayRunning?.url ?? snapshot.gateway.url,
    },
    counts,
    accounts,
    timeline,
  };
}

/** The view as the `state` document of `cao dashboard --json` (no chart readings). Pure. */
export function dashboardJson(view: DashboardView): Record<string, unknown> {
  return {
    schemaVersion: DASHBOARD_JSON_SCHEMA_VERSION,
    generatedAt: new Date(view.now * 1000).toISOString(),
    generatedAtEpoch: view.now,
    range: view.range,
    servedBy: view.servedBy,
    gateway: view.gateway,
    counts: view.counts,
    accounts: view.accounts.map(({ history: _history, marks: _marks, windows, ...card }) => ({
      ...card,
      fiveHour: windows.primary,
      weekly: windows.secondary,
    })),
    timeline: view.timeline,
  };
}
