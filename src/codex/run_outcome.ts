/**
 * @module
 * How one codex run ended, decided from what Codex wrote in its session files and how the process exited —
 * never from its terminal output. Pure: {@link classifyRun} takes the observations and returns a
 * {@link RunOutcome}; `run_supervisor.ts` gathers the observations.
 *
 * Order of precedence: a signal cao received and forwarded (the user's Ctrl-C, a `kill`) is an
 * interruption, never an account failure; then a refusal of another account's encrypted items, and a usage
 * limit, in the rollout; then the exit code.
 */

import { signalExitCode } from "../shared/exit_codes.ts";
import type { ExitStatus } from "./spawn.ts";
import {
  isAccountBoundRefusal,
  type RateLimitSnapshot,
  type UsageLimitReason,
  usageLimitReason,
  usageLimitResetsAt,
} from "./rollout.ts";
import type { ObservedTurnEnd } from "./rollout_watch.ts";

/** What was seen of one codex run. */
export interface RunObservation {
  /** How the codex process ended. */
  exit: ExitStatus;
  /** The signal cao received (and forwarded) while codex ran, or null. */
  interruptedBy: Deno.Signal | null;
  /** The usage-limit turn end that ended the run (the latest turn end, when it is one), or null. */
  limit: ObservedTurnEnd | null;
  /** The latest turn end seen, or null. */
  lastEnd: ObservedTurnEnd | null;
  /** The latest rate limits Codex recorded during the run, or null. */
  rateLimits: RateLimitSnapshot | null;
}

/** How a run ended. */
export type RunOutcome =
  | { kind: "success"; exitCode: number; rateLimits: RateLimitSnapshot | null }
  | {
    kind: "usage-limit";
    exitCode: number;
    /** The session to continue elsewhere, and its rollout. */
    sessionId: string;
    rolloutPath: string;
    /** When the limit resets (null: unknown, apply the default cooldown). */
    resetsAt: Date | null;
    reason: UsageLimitReason;
    /** Codex's message, one line. */
    message: string;
    rateLimits: RateLimitSnapshot | null;
  }
  | { kind: "failed"; exitCode: number; message: string; rateLimits: RateLimitSnapshot | null }
  /**
   * The upstream refused encrypted reasoning another account minted (`400 invalid_encrypted_content`): the
   * session's copy can go on once those items are taken out.
   */
  | {
    kind: "account-bound";
    exitCode: number;
    sessionId: string;
    rolloutPath: string;
    message: string;
    rateLimits: RateLimitSnapshot | null;
  }
  | { kind: "interrupted"; exitCode: number; signal: Deno.Signal; rateLimits: RateLimitSnapshot | null };

/** The exit code cao passes on for a codex exit: its code, or 128+N when it died from signal N. Pure. */
export function exitCodeOf(exit: ExitStatus): number {
  if (exit.signal !== null && exit.code === 0) return signalExitCode(exit.signal);
  return exit.code;
}

function describeExit(exit: ExitStatus): string {
  return exit.signal !== null ? `codex was ended by ${exit.signal}` : `codex exited with code ${exit.code}`;
}

/** Decides how a run ended. Pure. */
export function classifyRun(observation: RunObservation, now: Date): RunOutcome {
  const { exit, rateLimits } = observation;
  const exitCode = exitCodeOf(exit);
  if (observation.interruptedBy !== null) {
    const code = exitCode === 0 ? 0 : signalExitCode(observation.interruptedBy);
    return { kind: "interrupted", exitCode: code, signal: observation.interruptedBy, rateLimits };
  }
  const limit = observation.limit;
  const refusal = limit ?? observation.lastEnd;
  if (refusal !== null && isAccountBoundRefusal(refusal.end) && refusal.end.kind === "completed") {
    return {
      kind: "account-bound",
      exitCode,
      sessionId: refusal.sessionId,
      rolloutPath: refusal.rolloutPath,
      message: refusal.end.error?.message.split("\n")[0] ?? "",
      rateLimits,
    };
  }
  if (limit !== null && limit.end.kind === "completed" && limit.end.error !== null) {
    const message = limit.end.error.message.split("\n")[0];
    return {
      kind: "usage-limit",
      exitCode,
      sessionId: limit.sessionId,
      rolloutPath: limit.rolloutPath,
      resetsAt: usageLimitResetsAt(limit.end, now),
      reason: usageLimitReason(message),
      message,
      rateLimits: limit.end.rateLimits ?? rateLimits,
    };
  }
  if (exitCode === 0) return { kind: "success", exitCode, rateLimits };
  const last = observation.lastEnd?.end;
  let message = describeExit(exit);
  if (last?.kind === "completed" && last.error !== null && last.error.message !== "") {
    message = `${last.error.message.split("\n")[0]} (${message})`;
  } else if (last?.kind === "aborted") {
    message = `turn ${last.reason} (${message})`;
  }
  return { kind: "failed", exitCode, message, rateLimits };
}
