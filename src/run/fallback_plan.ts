/**
 * @module
 * What `cao run` does next: run an account, wait for a reset, or stop. Pure: built on the shared
 * selection policy ({@link selectNextAccount}: the default first, then registry order, never an account
 * cooling down or without a login) plus the run's own state: which accounts already hit their limit in
 * this pass round the list, how many passes are allowed, and whether the user asked to `--wait`.
 *
 * A pass is one trip round the account list. Accounts that hit their limit in the current pass are not
 * tried again in it; when every account has been tried, a new pass starts (up to `maxPasses`), which only
 * finds an account again once a cooldown has expired — or after a wait, with `--wait`.
 *
 * Accounts another `cao run` is using (`busy`) are passed over like unavailable ones. When the only accounts
 * left to run are busy (or the pinned one is), the plan runs the first of them anyway and says so
 * (`busy: true`): the caller then must not act on the usage limits it sees there, which may be the other
 * run's.
 */

import {
  type Availability,
  type SelectionCandidate,
  type SelectionPolicy,
  selectNextAccount,
} from "../accounts/selection.ts";
import { activeCooldown } from "../accounts/status_events.ts";

/** Everything the plan looks at. */
export interface PlanInput {
  candidates: SelectionCandidate[];
  policy: SelectionPolicy;
  now: Date;
  /** `--account <name>` (or the default with `--no-fallback`): only this account, null for fallback. */
  pinned: string | null;
  /** `--wait`: sleep until the earliest reset rather than stop. */
  wait: boolean;
  /** How many passes round the account list are allowed (≥ 1). */
  maxPasses: number;
  /** The current pass, from 1. */
  pass: number;
  /** Accounts that hit their limit in the current pass. */
  tried: ReadonlySet<string>;
  /** Accounts another `cao run` is using right now (its run lock is held). */
  busy?: ReadonlySet<string>;
}

/** The next step. */
export type PlanStep =
  | {
    kind: "run";
    account: string;
    /** The pass this run belongs to (a new pass clears the tried set). */
    pass: number;
    /** Set when a pinned account runs although it is cooling down (the user asked for it). */
    coolingUntil: Date | null;
    /** The account is above the switch threshold or its reserve, chosen because nothing else is left. */
    overThreshold: boolean;
    /**
     * The account is busy (another `cao run` uses it), chosen because every usable account is or because it
     * is pinned: run it, but act on no usage limit seen there.
     */
    busy: boolean;
  }
  | { kind: "wait"; account: string; until: Date; pass: number }
  | {
    kind: "stop";
    /** `cooling`: every usable account is cooling down; `passes`: `maxPasses` used up; `unusable`: none can log in. */
    reason: "cooling" | "passes" | "unusable";
    /** The account that resets first, if any is cooling down. */
    earliestReset: { name: string; at: Date } | null;
    /** Why each account was passed over. */
    reasons: Record<string, Availability>;
  };

function earliestCooldown(candidates: SelectionCandidate[], now: Date): { name: string; at: Date } | null {
  let earliest: { name: string; at: Date } | null = null;
  for (const candidate of candidates) {
    if (!candidate.canLogIn || candidate.status.needsRelogin) continue;
    const until = activeCooldown(candidate.status, now);
    if (until !== null && (earliest === null || until < earliest.at)) {
      earliest = { name: candidate.name, at: until };
    }
  }
  return earliest;
}

function planPinned(input: PlanInput, name: string): PlanStep {
  const candidate = input.candidates.find((c) => c.name === name);
  const selection = selectNextAccount(candidate ? [candidate] : [], {
    now: input.now,
    policy: input.policy,
    busy: input.busy,
  });
  if (selection.kind === "selected") {
    return {
      kind: "run",
      account: name,
      pass: input.pass,
      coolingUntil: null,
      overThreshold: selection.overThreshold,
      busy: false,
    };
  }
  const availability = selection.reasons[name];
  if (availability?.kind === "cooling") {
    if (input.wait) return { kind: "wait", account: name, until: availability.until, pass: input.pass };
    return {
      kind: "run",
      account: name,
      pass: input.pass,
      coolingUntil: availability.until,
      overThreshold: false,
      busy: false,
    };
  }
  return { kind: "stop", reason: "unusable", earliestReset: null, reasons: selection.reasons };
}

/** Decides the next step of a run. Pure. */
export function planNextStep(input: PlanInput): PlanStep {
  const step = planAvoidingBusy(input);
  if (step.kind === "run") return { ...step, busy: input.busy?.has(step.account) ?? false };
  if (input.busy === undefined || input.busy.size === 0) return step;
  // Nothing free to run: run what the plan would run if no account were busy, flagged as busy.
  const anyway = planAvoidingBusy({ ...input, busy: undefined });
  return anyway.kind === "run" ? { ...anyway, busy: input.busy.has(anyway.account) } : step;
}

function planAvoidingBusy(input: PlanInput): PlanStep {
  if (input.pinned !== null) return planPinned(input, input.pinned);
  const options = { now: input.now, policy: input.policy, busy: input.busy };
  const selection = selectNextAccount(input.candidates, { ...options, exclude: input.tried });
  if (selection.kind === "selected") {
    return {
      kind: "run",
      account: selection.name,
      pass: input.pass,
      coolingUntil: null,
      overThreshold: selection.overThreshold,
      busy: false,
    };
  }
  if (input.tried.size > 0) {
    if (input.pass < input.maxPasses) {
      return planAvoidingBusy({ ...input, pass: input.pass + 1, tried: new Set() });
    }
    const all = selectNextAccount(input.candidates, options);
    const reasons = all.kind === "none" ? all.reasons : selection.reasons;
    return {
      kind: "stop",
      reason: "passes",
      earliestReset: earliestCooldown(input.candidates, input.now),
      reasons,
    };
  }
  const earliest = selection.earliestReset;
  if (earliest !== null && input.wait) {
    return { kind: "wait", account: earliest.name, until: earliest.at, pass: input.pass };
  }
  return {
    kind: "stop",
    reason: earliest !== null ? "cooling" : "unusable",
    earliestReset: earliest,
    reasons: selection.reasons,
  };
}
