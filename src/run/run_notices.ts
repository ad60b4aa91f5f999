/**
 * @module
 * Which of a `cao run`'s events the user should hear about even when not watching the terminal: the work
 * moved to another account, every account is limited (with the earliest reset). Pure: a {@link RunEvent} or
 * {@link RunEnd} in, a {@link NotifyEvent} (or null) out.
 */

import type { NotifyEvent } from "../accounts/notify_sink.ts";
import type { RunEnd, RunEvent } from "./run_events.ts";

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The notification a run event makes, if any. Pure. */
export function runNotice(event: RunEvent): NotifyEvent | null {
  if (event.kind === "switched") {
    return {
      kind: "moved",
      from: event.hit.account,
      to: event.account,
      via: "run",
      fromUntil: seconds(event.hit.until),
    };
  }
  if (event.kind === "waiting") {
    return { kind: "all-limited", account: event.step.account, at: seconds(event.step.until) };
  }
  return null;
}

/** The notification the end of a run makes: every account limited, when it stops for that. Pure. */
export function endNotice(end: RunEnd): NotifyEvent | null {
  if (end.kind !== "stopped" || end.step.earliestReset === null) return null;
  return {
    kind: "all-limited",
    account: end.step.earliestReset.name,
    at: seconds(end.step.earliestReset.at),
  };
}
