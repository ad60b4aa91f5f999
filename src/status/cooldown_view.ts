/**
 * @module
 * An account's cooldown, said once: {@link cooldownFacts} is the record (until when, why, who set it from
 * which answer, how the last one ended) that `cao cooldown list --json` lists and `cao status --json` spells
 * as its `cooldown…` fields; {@link describeCooldown} is the sentence `cao cooldown list` and
 * `cao status --full` print. Pure.
 */

import { activeCooldown } from "../accounts/status_events.ts";
import type { AccountStatus, CooldownClear } from "../accounts/status_store.ts";
import { emptyAccountStatus } from "../accounts/status_store.ts";
import { formatRelative, renderTable } from "../shared/format.ts";

/** The schema version of `cao cooldown --json`. */
export const COOLDOWN_JSON_SCHEMA_VERSION = 1;

/** How the last cooldown ended, with its time also in epoch seconds. */
export interface CooldownClearJson extends CooldownClear {
  atEpoch: number;
}

/** One account's cooldown, whatever its login. */
export interface CooldownFacts {
  /** True while a cooldown is in force. */
  cooling: boolean;
  /** Its end (null when not cooling: an expired one reads null). */
  until: string | null;
  untilEpoch: number | null;
  remainingSeconds: number | null;
  /** Why it was set (`usage limit (usage_limit_reached): …`), null when unknown or not cooling. */
  reason: string | null;
  /** Who set it from which answer (`gateway (pid 4242): usage_limit_reached from the upstream`). */
  source: string | null;
  /** How the last cooldown ended or was cleared, null when none was recorded. */
  lastCleared: CooldownClearJson | null;
}

/** One account's cooldown in `cao cooldown list`. */
export interface CooldownEntry extends CooldownFacts {
  name: string;
}

/** Words for how a cooldown ended. */
export const CLEAR_WORDS: Record<CooldownClear["why"], string> = {
  "usage-room": "the usage endpoint showed room again",
  "by-hand": "cleared by hand",
  "reset-passed": "its reset passed",
  "answered": "it answered again after its reset passed",
};

/** The cooldown of an account at `now`. Pure. */
export function cooldownFacts(status: AccountStatus, now: Date): CooldownFacts {
  const until = activeCooldown(status, now);
  const cleared = status.cooldownCleared;
  return {
    cooling: until !== null,
    until: until?.toISOString() ?? null,
    untilEpoch: until ? Math.floor(until.getTime() / 1000) : null,
    remainingSeconds: until ? Math.round((until.getTime() - now.getTime()) / 1000) : null,
    reason: until ? status.cooldownReason : null,
    source: until ? status.cooldownSource : null,
    lastCleared: cleared === null ? null : { ...cleared, atEpoch: Math.floor(Date.parse(cleared.at) / 1000) },
  };
}

/** The cooldown record of each account, in the given order. Pure. */
export function cooldownEntries(
  names: string[],
  statuses: Record<string, AccountStatus>,
  now: Date,
): CooldownEntry[] {
  return names.map((name) => ({ name, ...cooldownFacts(statuses[name] ?? emptyAccountStatus(), now) }));
}

/** `cleared 2026-11-21T12:03:00.000Z (5m ago) by gateway (pid 1): the usage endpoint showed room again`. Pure. */
export function clearedText(cleared: CooldownClear, now: Date): string {
  return `cleared ${cleared.at} (${formatRelative(new Date(cleared.at), now)}) by ${cleared.by}: ${
    CLEAR_WORDS[cleared.why]
  }`;
}

/**
 * `cooling down until 2026-11-21T15:00:00.000Z (in 3h); usage limit (…); set by gateway (pid 7): …`, or
 * `not cooling down[; last one cleared … by …: …]`. Pure.
 */
export function describeCooldown(facts: CooldownFacts, now: Date): string {
  if (facts.until === null) {
    return `not cooling down${facts.lastCleared ? `; last one ${clearedText(facts.lastCleared, now)}` : ""}`;
  }
  const parts = [`cooling down until ${facts.until} (${formatRelative(new Date(facts.until), now)})`];
  parts.push(facts.reason ?? "reason unknown");
  if (facts.source) parts.push(`set by ${facts.source}`);
  return parts.join("; ");
}

/** The text of `cao cooldown list`. Pure. */
export function renderCooldowns(entries: CooldownEntry[], now: Date): string[] {
  if (entries.length === 0) return ['No accounts yet. Add one with "cao add <name>".'];
  return renderTable(null, entries.map((e) => [e.name, describeCooldown(e, now)]));
}

/** The `--json` document. Pure. */
export function cooldownJson(entries: CooldownEntry[], now: Date): Record<string, unknown> {
  return {
    schemaVersion: COOLDOWN_JSON_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    accounts: entries,
  };
}
