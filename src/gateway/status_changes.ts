/**
 * @module
 * The status changes a proxied request records, each made by a factory here at module level so that it
 * holds only its own arguments. A change waits in the status file's write queue (`status_sync.ts`, up to
 * a second) and is replayed there onto the file's copy: an arrow written inside the request's code would
 * keep that request alive until then (its body, its upstream connection state, Deno's request record) —
 * under load that was most of the gateway's memory (RSS after a bulk run 250 → 126 MiB) — and would read
 * the clock at the replay, writing a later time to the file than the gateway shows. The time of each
 * change is therefore taken when it happens and passed in.
 */

import {
  markNeedsRelogin,
  recordAttempt,
  recordFailure,
  recordSuccess,
  recordUsage,
} from "../accounts/status_events.ts";
import type { UsageSnapshot } from "../accounts/status_store.ts";
import type { StatusMutation } from "./account_pool.ts";

/** A request was sent on the account at `at`. */
export function attempted(at: Date): StatusMutation {
  return (s) => recordAttempt(s, at);
}

/** An answer completed normally at `at`. */
export function succeeded(at: Date): StatusMutation {
  return (s) => recordSuccess(s, at);
}

/** A request failed at `at` for a reason other than a usage limit. */
export function failed(at: Date, message: string): StatusMutation {
  return (s) => recordFailure(s, at, message);
}

/** The account's login was refused for good: it needs `cao login` again. */
export function needsRelogin(reason: string): StatusMutation {
  return (s) => markNeedsRelogin(s, reason);
}

/** The upstream reported the account's usage windows. */
export function usageSeen(usage: UsageSnapshot): StatusMutation {
  return (s) => recordUsage(s, usage);
}
