/**
 * @module
 * The words of a notification: a short title and one line of body per event, with times in local time and
 * relative to `now`. Pure (given the TZ).
 */

import { formatRelative } from "../shared/format.ts";
import type { NotifyEvent } from "./notify_event.ts";

/** A notification as the channels send it. */
export interface NotifyMessage {
  title: string;
  body: string;
}

const WINDOW_WORDS = { primary: "5-hour", secondary: "weekly" } as const;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** `14:37 (in 2h 5m)`, or `Nov 23 14:37 (in 2d 3h)` when not today; local time. Pure (given the TZ). */
export function clockText(epochSeconds: number, now: Date): string {
  const at = new Date(epochSeconds * 1000);
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.toDateString() === now.toDateString();
  const day = sameDay ? "" : `${at.toLocaleString("en-US", { month: "short" })} ${at.getDate()} `;
  return `${day}${time} (${formatRelative(at, now)})`;
}

/** The title and body of an event. Pure. */
export function describeEvent(event: NotifyEvent, now: Date): NotifyMessage {
  switch (event.kind) {
    case "threshold": {
      const reset = event.resetsAt === null ? "" : `; it resets at ${clockText(event.resetsAt, now)}`;
      return {
        title: `cao: "${event.account}" at ${Math.round(event.usedPercent)}% of its ${
          WINDOW_WORDS[event.window]
        } window`,
        body: `It crossed ${event.threshold}%${reset}.`,
      };
    }
    case "moved": {
      const until = event.fromUntil === null ? "" : ` until ${clockText(event.fromUntil, now)}`;
      const where = event.via === "gateway" ? "the gateway continues" : "cao run continues the conversation";
      return {
        title: `cao: work moved from "${event.from}" to "${event.to}"`,
        body: `"${event.from}" is limited${until}; ${where} on "${event.to}".`,
      };
    }
    case "all-limited":
      return {
        title: "cao: every account is limited",
        body: `"${event.account}" resets first, at ${clockText(event.at, now)}.`,
      };
    case "usable-again":
      return {
        title: `cao: "${event.account}" is usable again`,
        body: event.why === "usage-room"
          ? `The usage endpoint shows room again; its cooldown until ${
            clockText(event.until, now)
          } was cleared early.`
          : "Its usage window has reset.",
      };
    case "needs-login":
      return {
        title: `cao: "${event.account}" needs a new login`,
        body: `${event.reason}. Run "cao add ${event.account}" to log it in again.`,
      };
  }
}
