/**
 * @module
 * `notifications.json`: the notifications sent, and the health of each channel. It is how processes agree
 * that an event is notified once: {@link claimEvents} takes the file's lock, keeps only the events no process
 * has sent yet (see `isNewEvent`) and records them before anyone delivers; {@link recordDelivery} notes how
 * each channel fared (`cao doctor` reports a channel that is missing or failing, once). Bounded: the last
 * {@link MAX_SENT} notifications of the last 30 days.
 *
 * On-disk format (schemaVersion 1):
 * ```json
 * { "schemaVersion": 1,
 *   "sent": [ { "key": "moved:work", "cycle": 1795266120, "level": 0, "at": "…", "kind": "moved",
 *     "title": "…", "body": "…", "by": "gateway (pid 4242)", "channels": { "desktop": "sent" } } ],
 *   "channels": { "desktop": { "state": "missing", "since": "…", "lastError": "notify-send not found",
 *     "failures": 1, "lastOkAt": null } } }
 * ```
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { updateLocked } from "../accounts/locked_update.ts";
import { peekJsonFile, readJsonFile, reportDamagedOnce } from "../fs/json_file.ts";
import { redactSecrets } from "../shared/redact.ts";
import type { NotifyMessage } from "./event_text.ts";
import { EVENT_KINDS, eventIdentity, type EventKind, isNewEvent, type NotifyEvent } from "./notify_event.ts";

/** The channels. */
export type ChannelName = "desktop" | "webhook";

/** How one delivery through one channel went. */
export type DeliveryOutcome = "sent" | "failed" | "missing";

/** One notification sent. */
export interface SentEntry {
  key: string;
  cycle: number | null;
  level: number;
  /** When it was claimed, ISO 8601. */
  at: string;
  kind: EventKind;
  title: string;
  body: string;
  /** The process that sent it. */
  by: string;
  /** Per channel tried. */
  channels: Partial<Record<ChannelName, DeliveryOutcome>>;
}

/** The health of one channel. */
export interface ChannelHealth {
  /** `ok` after a delivery, `failed` when the last one failed, `missing` when no notifier was found. */
  state: "ok" | "failed" | "missing";
  /** Since when it is in this state, ISO 8601. */
  since: string;
  /** The last error, one line, redacted. */
  lastError: string | null;
  /** Failures since the last success. */
  failures: number;
  lastOkAt: string | null;
}

/** The whole file. */
export interface NotifyLog {
  schemaVersion: number;
  sent: SentEntry[];
  channels: Partial<Record<ChannelName, ChannelHealth>>;
  [extra: string]: unknown;
}

/** At most this many notifications are kept. */
export const MAX_SENT = 200;

const KEEP_MS = 30 * 86400_000;

function iso(value: unknown): string | null {
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? value : null;
}

function parseEntry(value: unknown): SentEntry | null {
  if (!value || typeof value !== "object") return null;
  const e = value as Record<string, unknown>;
  const at = iso(e.at);
  if (typeof e.key !== "string" || at === null || !EVENT_KINDS.includes(e.kind as EventKind)) return null;
  const channels = (e.channels && typeof e.channels === "object" ? e.channels : {}) as SentEntry["channels"];
  return {
    key: e.key,
    cycle: typeof e.cycle === "number" ? e.cycle : null,
    level: typeof e.level === "number" ? e.level : 0,
    at,
    kind: e.kind as EventKind,
    title: typeof e.title === "string" ? e.title : "",
    body: typeof e.body === "string" ? e.body : "",
    by: typeof e.by === "string" ? e.by : "unknown",
    channels,
  };
}

function parseHealth(value: unknown): ChannelHealth | undefined {
  if (!value || typeof value !== "object") return undefined;
  const h = value as Record<string, unknown>;
  const since = iso(h.since);
  if (since === null || !["ok", "failed", "missing"].includes(h.state as string)) return undefined;
  return {
    state: h.state as ChannelHealth["state"],
    since,
    lastError: typeof h.lastError === "string" ? h.lastError : null,
    failures: typeof h.failures === "number" ? h.failures : 0,
    lastOkAt: iso(h.lastOkAt),
  };
}

/** Normalises a parsed notifications.json. Pure. */
export function parseNotifyLog(value: unknown): NotifyLog {
  const doc = value && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
  const channels = (doc.channels && typeof doc.channels === "object" ? doc.channels : {}) as Record<
    string,
    unknown
  >;
  const health: NotifyLog["channels"] = {};
  for (const name of ["desktop", "webhook"] as const) {
    const parsed = parseHealth(channels[name]);
    if (parsed) health[name] = parsed;
  }
  return {
    ...doc,
    schemaVersion: 1,
    sent: (Array.isArray(doc.sent) ? doc.sent : []).map(parseEntry).filter((e): e is SentEntry => e !== null),
    channels: health,
  };
}

/** The last entry of each key. Pure. */
function lastByKey(sent: SentEntry[]): Map<string, SentEntry> {
  const map = new Map<string, SentEntry>();
  for (const entry of sent) map.set(entry.key, entry);
  return map;
}

/** One event to claim, with its words. */
export interface Claim {
  event: NotifyEvent;
  message: NotifyMessage;
}

/** A claimed event: its log entry and what to deliver. */
export interface Claimed {
  entry: SentEntry;
  claim: Claim;
}

/**
 * Keeps the events of `claims` that no process has notified yet and records them as sent by `by` (so that
 * no other process sends them), dropping old entries. Pure (mutates `log`); returns the claimed entries.
 */
export function claimInLog(log: NotifyLog, claims: Claim[], by: string, now: Date): Claimed[] {
  const nowMs = now.getTime();
  const last = lastByKey(log.sent);
  const claimed: Claimed[] = [];
  for (const { event, message } of claims) {
    const id = eventIdentity(event);
    const previous = last.get(id.key);
    const mark = previous && { cycle: previous.cycle, level: previous.level, atMs: Date.parse(previous.at) };
    if (!isNewEvent(id, mark, nowMs)) continue;
    const entry: SentEntry = {
      key: id.key,
      cycle: id.cycle,
      level: id.level,
      at: now.toISOString(),
      kind: event.kind,
      title: message.title,
      body: message.body,
      by,
      channels: {},
    };
    log.sent.push(entry);
    last.set(id.key, entry);
    claimed.push({ entry, claim: { event, message } });
  }
  log.sent = log.sent.filter((e) => nowMs - Date.parse(e.at) < KEEP_MS).slice(-MAX_SENT);
  return claimed;
}

/** Reads the log; a writer (`forWrite`, under the lock) moves a damaged file aside, a reader says so once. */
async function readLog(home: CaoHome, forWrite: boolean): Promise<NotifyLog> {
  const path = home.paths.notifyLog;
  const read = forWrite ? await readJsonFile(path, home.now()) : await peekJsonFile(path);
  if (read.kind === "corrupt") {
    if ("movedTo" in read) {
      home.warn(`notifications.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}"`);
    } else reportDamagedOnce(home.warn, path, `could not be parsed (${read.reason})`, "read as empty");
  }
  return parseNotifyLog(read.kind === "ok" ? read.value : {});
}

/** Reads notifications.json (empty when missing), changing nothing: a damaged file is reported, read as empty. */
export async function loadNotifyLog(home: CaoHome): Promise<NotifyLog> {
  return await readLog(home, false);
}

/** Claims events across processes, under the file's lock; returns those this process must deliver. */
export async function claimEvents(home: CaoHome, claims: Claim[], by: string): Promise<Claimed[]> {
  return await updateLocked(
    home,
    { path: home.paths.notifyLog, read: () => readLog(home, true), toJson: (l) => l },
    (log) => claimInLog(log, claims, by, home.now()),
  );
}

/** How one channel fared with one notification. */
export interface ChannelResult {
  channel: ChannelName;
  outcome: DeliveryOutcome;
  /** Why it failed or is missing. */
  error?: string;
}

/** Notes the outcome of each channel in the entry and the channel's health. Pure (mutates `log`). */
export function noteDelivery(
  log: NotifyLog,
  entry: SentEntry | null,
  results: ChannelResult[],
  now: Date,
): void {
  const target = entry && log.sent.find((e) => e.key === entry.key && e.at === entry.at);
  for (const result of results) {
    if (target) target.channels[result.channel] = result.outcome;
    const before = log.channels[result.channel];
    const state = result.outcome === "sent" ? "ok" : result.outcome;
    const at = now.toISOString();
    log.channels[result.channel] = {
      state,
      since: before?.state === state ? before.since : at,
      lastError: result.outcome === "sent"
        ? before?.lastError ?? null
        : redactSecrets(result.error ?? result.outcome).split("\n")[0].slice(0, 300),
      failures: result.outcome === "sent" ? 0 : (before?.failures ?? 0) + 1,
      lastOkAt: result.outcome === "sent" ? at : before?.lastOkAt ?? null,
    };
  }
}

/** Records how a delivery went (entry null: a test notification, only the health is noted). */
export async function recordDelivery(
  home: CaoHome,
  entry: SentEntry | null,
  results: ChannelResult[],
): Promise<void> {
  if (results.length === 0) return;
  await updateLocked(
    home,
    { path: home.paths.notifyLog, read: () => readLog(home, true), toJson: (l) => l },
    (log) => noteDelivery(log, entry, results, home.now()),
  );
}
