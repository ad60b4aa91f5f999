/**
 * @module
 * `cao cooldown list`: every account's cooldown as one record (until when, why, who set it from which
 * answer, and how the last one ended), as text lines and as JSON (schemaVersion 1). Pure.
 */

import { activeCooldown } from "../accounts/status_events.ts";
import type { AccountStatus, CooldownClear } from "../accounts/status_store.ts";
import { emptyAccountStatus } from "../accounts/status_store.ts";
import { formatRelative, renderTable } from "../shared/format.ts";

/** The schema version of `cao cooldown --json`. */
export const COOLDOWN_JSON_SCHEMA_VERSION = 1;

/** One account's cooldown. */
export interface CooldownEntry {
  name: string;
  /** True while a cooldown is in force. */
  cooling: boolean;
  /** Its end (null when not cooling). */
  until: string | null;
  untilEpoch: number | null;
  remainingSeconds: number | null;
  /** Why it was set (`usage limit (usage_limit_reached): …`), null when unknown or not cooling. */
  reason: string | null;
  /** Who set it from which answer (`gateway (pid 4242): usage_limit_reached from the upstream`). */
  source: string | null;
  /** How the last cooldown ended early or was cleared, null when none was recorded. */
  lastCleared: CooldownClear | null;
}

/** Words for how a cooldown ended. */
export const CLEAR_WORDS: Record<CooldownClear["why"], string> = {
  "usage-room": "the usage endpoint showed room again",
  "by-hand": "cleared by hand",
  "reset-passed": "its reset passed",
  "answered": "it answered again after its reset passed",
};

/** The cooldown record of each account, in the given order. Pure. */
export function cooldownEntries(
  names: string[],
  statuses: Record<string, AccountStatus>,
  now: Date,
): CooldownEntry[] {
  return names.map((name) => {
    const status = statuses[name] ?? emptyAccountStatus();
    const until = activeCooldown(status, now);
    return {
      name,
      cooling: until !== null,
      until: until?.toISOString() ?? null,
      untilEpoch: until ? Math.floor(until.getTime() / 1000) : null,
      remainingSeconds: until ? Math.round((until.getTime() - now.getTime()) / 1000) : null,
      reason: until ? status.cooldownReason : null,
      source: until ? status.cooldownSource : null,
      lastCleared: status.cooldownCleared,
    };
  });
}

/** `cleared 2026-11-21T12:03:00.000Z (5m ago) by gateway (pid 1): the usage endpoint showed room again`. Pure. */
export function clearedText(cleared: CooldownClear, now: Date): string {
  return `cleared ${cleared.at} (${formatRelative(new Date(cleared.at), now)}) by ${cleared.by}: ${
    CLEAR_WORDS[cleared.why]
  }`;
}

/** The text of `cao cooldown list`. Pure. */
export function renderCooldowns(entries: CooldownEntry[], now: Date): string[] {
  if (entries.length === 0) return ['No accounts yet. Add one with "cao add <name>".'];
  const rows = entries.map((e) => {
    if (!e.cooling) {
      const last = e.lastCleared ? `; last one ${clearedText(e.lastCleared, now)}` : "";
      return [e.name, `not cooling down${last}`];
    }
    const parts = [`cooling down until ${e.until} (${formatRelative(new Date(e.until!), now)})`];
    parts.push(e.reason ?? "reason unknown");
    if (e.source) parts.push(`set by ${e.source}`);
    return [e.name, parts.join("; ")];
  });
  return renderTable(null, rows);
}

/** The `--json` document. Pure. */
export function cooldownJson(entries: CooldownEntry[], now: Date): Record<string, unknown> {
  return {
    schemaVersion: COOLDOWN_JSON_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    accounts: entries,
  };
}
