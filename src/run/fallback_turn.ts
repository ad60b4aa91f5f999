/**
 * @module
 * One turn of `cao run`'s loop, decided in pure code. {@link planTurn} reads the plan's step (stop, wait, or
 * run an account) against the loop's state and says what to tell the user before codex starts;
 * {@link nextTurn} reads how that codex run ended and returns the next state, or the exit code. Both return
 * the {@link RunEvent}s to emit; the engine (`fallback_loop.ts`) does the I/O in between. Also the settings
 * of one run, which the CLI builds from its options.
 */

import { accountAvailability, type SelectionCandidate } from "../accounts/selection.ts";
import type { RunOutcome } from "../codex/run_outcome.ts";
import { ExitCode } from "../shared/errors.ts";
import { type FallbackSettings, type LimitHit, SELECTION_POLICY } from "./candidates.ts";
import type { PlanStep } from "./fallback_plan.ts";
import type { PinnedBy, RunEnd, RunEvent, WaitStep } from "./run_events.ts";

/** Validated settings of one `cao run`. */
export interface RunSettings extends FallbackSettings {
  /** The one account to run, or null to move on at a limit. */
  pinned: string | null;
  pinnedBy: PinnedBy;
  /** Pause before continuing on the next account. */
  retryDelayMs: number;
  /** The message that continues the conversation on the next account. */
  resumePrompt: string;
  /** Emit `countdown` events every second while waiting (a terminal shows them). */
  countdown: boolean;
}

/** A step that runs an account. */
export type RunStep = Extract<PlanStep, { kind: "run" }>;

/** The conversation to continue: the session an account hit its limit in. */
export interface LoopSession {
  id: string;
  rolloutPath: string;
  /** The account whose home holds it. */
  account: string;
}

/** What the loop carries from one turn to the next. */
export interface LoopState {
  /** The pass round the account list, from 1. */
  pass: number;
  /** Accounts that hit their limit in this pass. */
  tried: readonly string[];
  /** The conversation to continue on the next account, once one hit its limit. */
  session: LoopSession | null;
  /** The limit the last run hit, not said yet. */
  lastHit: LimitHit | null;
  /** How many times codex ran. */
  runs: number;
}

/** The state before the first turn. */
export const INITIAL_LOOP_STATE: LoopState = { pass: 1, tried: [], session: null, lastHit: null, runs: 0 };

/** What a turn sees besides the step: the default account, the candidates, who was passed over, the time. */
export interface TurnView {
  defaultAccount: string | null;
  candidates: SelectionCandidate[];
  /** Accounts passed over because another `cao run` uses them. */
  passedOver: string[];
  now: Date;
}

/** What to do with a step. */
export type Turn =
  | { kind: "stop"; events: RunEvent[]; end: RunEnd }
  | { kind: "wait"; events: RunEvent[]; state: LoopState; step: WaitStep }
  | { kind: "run"; events: RunEvent[]; state: LoopState; step: RunStep };

/** What follows a codex run. */
export type TurnEnd =
  | { kind: "exit"; code: number; events: RunEvent[] }
  | { kind: "continue"; state: LoopState; events: RunEvent[] };

/** Reads the plan's step: stop, wait, or run an account, and what to say first. Pure. */
export function planTurn(
  state: LoopState,
  step: PlanStep,
  view: TurnView,
  settings: Pick<RunSettings, "pinnedBy">,
): Turn {
  const { now } = view;
  const limit: RunEvent[] = state.lastHit !== null ? [{ kind: "limit", hit: state.lastHit, now }] : [];
  if (step.kind === "stop") {
    return { kind: "stop", events: limit, end: { kind: "stopped", step, afterRuns: state.runs > 0, now } };
  }
  const next: LoopState = step.pass !== state.pass
    ? { ...state, pass: step.pass, tried: [], lastHit: null }
    : { ...state, lastHit: null };
  if (step.kind === "wait") return { kind: "wait", events: limit, state: next, step };

  const { account } = step;
  const events: RunEvent[] = [];
  const defaultAccount = view.defaultAccount;
  const defaultBusy = defaultAccount !== null && view.passedOver.includes(defaultAccount);
  if (state.lastHit !== null) events.push({ kind: "switched", hit: state.lastHit, account, now });
  else if (state.session !== null) events.push({ kind: "continued", account });
  else if (state.runs === 0 && defaultAccount !== null && account !== defaultAccount && !defaultBusy) {
    const fallbackFrom = view.candidates.find((c) => c.name === defaultAccount);
    const availability = fallbackFrom ? accountAvailability(fallbackFrom, SELECTION_POLICY, now) : undefined;
    events.push({ kind: "started-elsewhere", defaultAccount, availability, account, now });
  }
  if (step.busy) events.push({ kind: "shared", account, pinnedBy: settings.pinnedBy });
  else if (view.passedOver.length > 0) events.push({ kind: "passed-over", busy: view.passedOver, account });
  if (step.coolingUntil !== null) {
    events.push({
      kind: "cooling-anyway",
      account,
      until: step.coolingUntil,
      pinnedBy: settings.pinnedBy,
      now,
    });
  }
  return { kind: "run", events, state: next, step };
}

/**
 * May a limit seen on this step move the work on? Not when a flag pins the run, nor on a busy account, whose
 * limits may be the other run's. Pure.
 */
export function fallbackAllowed(step: RunStep, settings: Pick<RunSettings, "pinned">): boolean {
  return settings.pinned === null && !step.busy;
}

/**
 * Reads how the codex run of `step` ended (`hit`: the limit recorded for it) and returns the next state, or
 * the exit code: Codex's own, except that a limit on a pinned account that exited 0 is a failure. Pure.
 */
export function nextTurn(
  state: LoopState,
  step: RunStep,
  outcome: RunOutcome,
  hit: LimitHit | null,
  settings: Pick<RunSettings, "pinned" | "pinnedBy">,
  now: Date,
): TurnEnd {
  const exit = (code: number, events: RunEvent[] = []): TurnEnd => ({ kind: "exit", code, events });
  switch (outcome.kind) {
    case "success":
    case "interrupted":
      return exit(outcome.exitCode);
    case "failed":
      return exit(outcome.exitCode, [{ kind: "failed", account: step.account, message: outcome.message }]);
    case "account-bound":
      // Left after the one retry without the account-bound items (or on a conversation that never moved).
      return outcome.exitCode === 0
        ? exit(0)
        : exit(outcome.exitCode, [{ kind: "failed", account: step.account, message: outcome.message }]);
    case "usage-limit": {
      if (!fallbackAllowed(step, settings) && hit !== null) {
        const because = step.busy ? "busy" : settings.pinnedBy;
        const code = step.busy || outcome.exitCode !== 0 ? outcome.exitCode : ExitCode.failure;
        return exit(code, [{ kind: "not-continuing", hit, because, now }]);
      }
      const session = { id: outcome.sessionId, rolloutPath: outcome.rolloutPath, account: step.account };
      return {
        kind: "continue",
        events: [],
        state: {
          ...state,
          tried: [...state.tried, step.account],
          session,
          lastHit: hit,
          runs: state.runs + 1,
        },
      };
    }
  }
}
