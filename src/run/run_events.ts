/**
 * @module
 * What `cao run` tells the user while it runs, as data: the engine (`fallback_loop.ts`) emits a
 * {@link RunEvent} where the CLI used to print a line, and returns a {@link RunEnd}. The CLI renders both
 * (`cli/run_messages.ts`); nothing here formats or prints.
 */

import type { Availability } from "../accounts/selection.ts";
import type { LimitHit } from "./candidates.ts";
import type { PlanStep } from "./fallback_plan.ts";

/** A step that waits for a reset. */
export type WaitStep = Extract<PlanStep, { kind: "wait" }>;

/** A step that stops: no account can be used. */
export type StopStep = Extract<PlanStep, { kind: "stop" }>;

/** Which flag pinned the run to one account, or null when it may move on. */
export type PinnedBy = "--account" | "--no-fallback" | null;

/** One thing worth saying during a `cao run`. `now` is the time to format other times against. */
export type RunEvent =
  /** The first account used is not the default (which is not busy): why, and where the run starts. */
  | {
    kind: "started-elsewhere";
    defaultAccount: string;
    availability?: Availability;
    account: string;
    now: Date;
  }
  /** The last account hit its limit; the conversation continues on `account`. */
  | { kind: "switched"; hit: LimitHit; account: string; now: Date }
  /** After a wait, the conversation continues on `account`. */
  | { kind: "continued"; account: string }
  /** `account` is in use by another cao run and runs anyway (every usable account is, or a flag pins it). */
  | { kind: "shared"; account: string; pinnedBy: PinnedBy }
  /** Accounts in use by another cao run were passed over for `account`. */
  | { kind: "passed-over"; busy: string[]; account: string }
  /** The pinned account is cooling down and runs anyway. */
  | { kind: "cooling-anyway"; account: string; until: Date; pinnedBy: PinnedBy; now: Date }
  /** The limit that ended the last run, said before a wait or a stop. */
  | { kind: "limit"; hit: LimitHit; now: Date }
  /** Every account is cooling down: the wait for `step.until` begins. */
  | { kind: "waiting"; step: WaitStep; now: Date }
  /** A tick of the countdown while waiting (only with `countdown` in the settings). */
  | { kind: "countdown"; step: WaitStep; now: Date }
  /** The countdown is over (only after `countdown` events). */
  | { kind: "countdown-over" }
  /**
   * `account` refused the encrypted reasoning `from` minted (`400 invalid_encrypted_content`): the copy of
   * the conversation goes on once more there without those items.
   */
  | { kind: "stripped"; account: string; from: string }
  /** Codex failed for another reason than a usage limit: the run ends with its code. */
  | { kind: "failed"; account: string; message: string }
  /** A limit was hit but the run may not move on: another cao run uses the account, or a flag pins it. */
  | { kind: "not-continuing"; hit: LimitHit; because: "busy" | PinnedBy; now: Date };

/** How a `cao run` ended: with an exit code, or stopped before codex could (go on) run. */
export type RunEnd =
  | { kind: "exit"; code: number }
  /** `afterRuns`: codex already ran in this `cao run`. */
  | { kind: "stopped"; step: StopStep; afterRuns: boolean; now: Date };
