/**
 * @module
 * The lines `cao run` prints on stderr: which account hit its limit and until when, where the work goes
 * next, which accounts another `cao run` is using, why it stops, how long it waits; {@link renderRunEvent}
 * turns each event of the engine into its text. Pure: times are formatted in local time from the given `now`.
 */

import type { PlanStep } from "../run/fallback_plan.ts";
import type { RunEvent } from "../run/run_events.ts";
import type { Availability } from "../accounts/selection.ts";
import type { LimitHit } from "../run/candidates.ts";
import type { UsageLimitReason } from "../codex/rollout.ts";
import { formatDuration, formatRelative } from "../shared/format.ts";

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** `2026-11-21 14:37 (in 12m)`, local time. Pure (given the TZ). */
export function formatWhen(at: Date, now: Date): string {
  const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return `${local} (${formatRelative(at, now)})`;
}

const LIMIT_WORDS: Record<UsageLimitReason, string> = {
  usage_limit: "hit its usage limit",
  usage_not_included: "has no Codex usage in its plan",
  insufficient_quota: "ran out of quota",
};

/** `"a" hit its usage limit until 2026-11-21 14:37 (in 12m)`. Pure. */
export function describeLimit(hit: LimitHit, now: Date): string {
  return `"${hit.account}" ${LIMIT_WORDS[hit.reason]} until ${formatWhen(hit.until, now)}`;
}

/** The one line printed when the work moves on: who hit the limit, until when, who continues. Pure. */
export function switchLine(hit: LimitHit, next: string, resumed: boolean, now: Date): string {
  const what = resumed ? "continuing the conversation" : "starting over";
  return `cao: ${describeLimit(hit, now)}; ${what} on "${next}"`;
}

/** Printed when the first account used is not the default. Pure. */
export function startLine(
  defaultAccount: string,
  availability: Availability | undefined,
  next: string,
  now: Date,
): string {
  const why = availability?.kind === "cooling"
    ? `is cooling down until ${formatWhen(availability.until, now)}`
    : availability?.kind === "needs-login"
    ? `cannot be used (${availability.reason})`
    : availability?.kind === "over-threshold"
    ? `is at ${Math.round(availability.percent)}% of its usage`
    : availability?.kind === "busy"
    ? "is in use by another cao run"
    : "is not available";
  return `cao: the default account "${defaultAccount}" ${why}; starting on "${next}"`;
}

/** Printed when accounts another `cao run` is using were passed over for `next`. Pure. */
export function busyLine(busy: readonly string[], next: string): string {
  const names = busy.map((name) => `"${name}"`).join(", ");
  return `cao: ${names} ${
    busy.length === 1 ? "is" : "are"
  } in use by another cao run; using "${next}" instead`;
}

/**
 * Printed when cao runs an account another `cao run` is using: every usable account is (`pinnedBy` null), or
 * the user named it. Pure.
 */
export function sharedLine(account: string, pinnedBy: string | null): string {
  const what = pinnedBy === null
    ? `every usable account is in use by another cao run; running on "${account}" anyway`
    : `"${account}" is in use by another cao run; running it anyway as ${pinnedBy} asks`;
  return `cao: ${what}, without acting on usage limits (they may be the other run's)`;
}

/** Printed when cao waits for a reset (non-terminal form, and the first line on a terminal). Pure. */
export function waitLine(step: Extract<PlanStep, { kind: "wait" }>, now: Date): string {
  return `cao: every account is cooling down; waiting for "${step.account}" to reset at ${
    formatWhen(step.until, now)
  }`;
}

/** The countdown shown on a terminal while waiting. Pure. */
export function countdownText(step: Extract<PlanStep, { kind: "wait" }>, now: Date): string {
  const left = Math.max(0, step.until.getTime() - now.getTime());
  return `cao: waiting for "${step.account}" to reset — ${formatDuration(left)} left (Ctrl-C to stop)`;
}

function reasonText(name: string, availability: Availability, now: Date): string {
  switch (availability.kind) {
    case "cooling":
      return `"${name}" until ${formatWhen(availability.until, now)}`;
    case "needs-login":
      return `"${name}" cannot be used (${availability.reason})`;
    case "over-threshold":
      return `"${name}" is at ${Math.round(availability.percent)}%`;
    case "busy":
      return `"${name}" is in use by another cao run`;
    default:
      return `"${name}" is available`;
  }
}

/** Why cao stops (`afterRuns`: codex already ran in this `cao run`), and what to do next. Pure. */
export function stopMessage(
  step: Extract<PlanStep, { kind: "stop" }>,
  now: Date,
  afterRuns = false,
): { message: string; hint: string } {
  const details = Object.entries(step.reasons).map(([name, a]) => reasonText(name, a, now)).join(", ");
  if (step.earliestReset !== null) {
    const first = `"${step.earliestReset.name}" resets first, at ${formatWhen(step.earliestReset.at, now)}`;
    const lead = step.reason === "passes"
      ? "Cannot continue: every account hit its usage limit in this run"
      : `Cannot ${afterRuns ? "continue" : "run codex"}: every account is cooling down`;
    return {
      message: `${lead}; ${first}${details ? ` (${details})` : ""}`,
      hint: 'run again then, use "cao run --wait" to wait for it, or see "cao status"',
    };
  }
  return {
    message: `Cannot ${afterRuns ? "continue" : "run codex"}: no account can be used${
      details ? ` (${details})` : ""
    }`,
    hint: 'log an account in with "cao add <name>", or see "cao status"',
  };
}

/** How one event is shown on stderr: a line, a warning line, or raw terminal text (the countdown). */
export type RenderedEvent = { kind: "line" | "warning" | "raw"; text: string };

/** The text of one {@link RunEvent}. Pure. */
export function renderRunEvent(event: RunEvent): RenderedEvent {
  const line = (text: string): RenderedEvent => ({ kind: "line", text });
  switch (event.kind) {
    case "started-elsewhere":
      return line(startLine(event.defaultAccount, event.availability, event.account, event.now));
    case "switched":
      return line(switchLine(event.hit, event.account, true, event.now));
    case "continued":
      return line(`cao: continuing the conversation on "${event.account}"`);
    case "shared":
      return line(sharedLine(event.account, event.pinnedBy));
    case "passed-over":
      return line(busyLine(event.busy, event.account));
    case "cooling-anyway":
      return {
        kind: "warning",
        text: `"${event.account}" is cooling down until ${formatWhen(event.until, event.now)}; running it ` +
          `anyway as ${event.pinnedBy} asks`,
      };
    case "limit":
      return line(`cao: ${describeLimit(event.hit, event.now)}`);
    case "waiting":
      return line(waitLine(event.step, event.now));
    case "countdown":
      return { kind: "raw", text: `\r${countdownText(event.step, event.now)}\x1b[K` };
    case "countdown-over":
      return { kind: "raw", text: "\r\x1b[K" };
    case "stripped":
      return line(
        `cao: "${event.account}" cannot read the encrypted reasoning "${event.from}" wrote; continuing ` +
          `the conversation there once more without it`,
      );
    case "failed":
      return line(
        `cao: codex failed on "${event.account}" (${event.message}); only usage limits move the work to ` +
          `another account`,
      );
    case "not-continuing": {
      const why = event.because === "busy" ? "another cao run is using it" : event.because;
      return line(`cao: ${describeLimit(event.hit, event.now)}; not continuing on another account (${why})`);
    }
  }
}
