/**
 * @module
 * `notify.json`: which notifications cao sends and where. Parsing is pure and tolerant (a bad field falls back
 * to its default, unknown fields are kept); {@link setNotifyKey} turns `cao notify set <key> <value>` into a
 * change or a one-line error; {@link updateNotifySettings} is the only writer (locked, atomic, 0600: a webhook
 * URL can hold a secret).
 *
 * On-disk format (schemaVersion 1; every field optional when read):
 * ```json
 * { "schemaVersion": 1, "enabled": true, "desktop": "auto",
 *   "webhook": { "url": "https://ntfy.sh/my-topic", "format": "auto" },
 *   "thresholds": { "primary": [80, 95], "secondary": [80, 95] },
 *   "events": { "threshold": true, "moved": true, "all-limited": true, "usable-again": true, "needs-login": true } }
 * ```
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { updateLocked } from "../accounts/locked_update.ts";
import { peekJsonFile, readJsonFile, reportDamagedOnce } from "../fs/json_file.ts";
import { EVENT_KINDS, type EventKind, type Thresholds } from "./notify_event.ts";

/** The notify.json schema version this build writes. */
export const NOTIFY_SCHEMA_VERSION = 1;

/** Desktop notifications: `auto` when a notifier is found, `on` (a missing one is a doctor warning), `off`. */
export type DesktopMode = "auto" | "on" | "off";

/** The shape of the webhook's JSON body; `auto` picks from the URL (ntfy, Slack, Discord, else `json`). */
export type WebhookFormat = "auto" | "json" | "ntfy" | "slack" | "discord";

/** The formats a webhook can take. */
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ["auto", "json", "ntfy", "slack", "discord"];

/** What notify.json says. */
export interface NotifySettings {
  /** The master switch (`cao notify on|off`). */
  enabled: boolean;
  desktop: DesktopMode;
  /** Where to POST, or null. */
  webhook: { url: string; format: WebhookFormat } | null;
  thresholds: Thresholds;
  /** Which kinds of events are sent. */
  events: Record<EventKind, boolean>;
}

/** The defaults: on, desktop when available, no webhook, 80 % and 95 % of both windows, every event. */
export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = {
  enabled: true,
  desktop: "auto",
  webhook: null,
  thresholds: { primary: [80, 95], secondary: [80, 95] },
  events: Object.fromEntries(EVENT_KINDS.map((k) => [k, true])) as Record<EventKind, boolean>,
};

/** The keys `cao notify set` takes, with what they expect. */
export const NOTIFY_KEYS: Record<string, string> = {
  "desktop": "auto, on or off",
  "webhook": 'a URL (http or https), or "off"',
  "webhook-format": WEBHOOK_FORMATS.join(", "),
  "thresholds.5h": 'percents from 1 to 100 separated by commas (e.g. "80,95"), or "off"',
  "thresholds.weekly": 'percents from 1 to 100 separated by commas (e.g. "80,95"), or "off"',
  ...Object.fromEntries(EVENT_KINDS.map((k) => [`events.${k}`, "on or off"])),
  "history-days": "a whole number of days from 1 to 730 (how long the usage history is kept)",
};

function percents(value: unknown, fallback: number[]): number[] {
  if (!Array.isArray(value)) return fallback;
  const valid = value.filter((v): v is number => typeof v === "number" && v > 0 && v <= 100);
  return [...new Set(valid)].sort((a, b) => a - b);
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Normalises a parsed notify.json (bad fields take their default). Pure. */
export function parseNotifySettings(value: unknown): NotifySettings {
  const doc = value && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
  const d = DEFAULT_NOTIFY_SETTINGS;
  const webhook = doc.webhook as Record<string, unknown> | null | undefined;
  const thresholds = (doc.thresholds ?? {}) as Record<string, unknown>;
  const events = (doc.events ?? {}) as Record<string, unknown>;
  return {
    enabled: typeof doc.enabled === "boolean" ? doc.enabled : d.enabled,
    desktop: doc.desktop === "on" || doc.desktop === "off" || doc.desktop === "auto"
      ? doc.desktop
      : d.desktop,
    webhook: webhook && typeof webhook.url === "string" && isUrl(webhook.url)
      ? {
        url: webhook.url,
        format: WEBHOOK_FORMATS.includes(webhook.format as WebhookFormat)
          ? webhook.format as WebhookFormat
          : "auto",
      }
      : null,
    thresholds: {
      primary: percents(thresholds.primary, d.thresholds.primary),
      secondary: percents(thresholds.secondary, d.thresholds.secondary),
    },
    events: Object.fromEntries(
      EVENT_KINDS.map((k) => [k, typeof events[k] === "boolean" ? events[k] : true]),
    ) as Record<EventKind, boolean>,
  };
}

/** A change `cao notify set` asks for: to notify.json, or to the history's retention. */
export type NotifyChange =
  | { kind: "settings"; apply(settings: NotifySettings): void }
  | { kind: "history-days"; days: number };

function onOff(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (["on", "true", "yes", "1"].includes(v)) return true;
  if (["off", "false", "no", "0"].includes(v)) return false;
  return null;
}

/** Parses `cao notify set <key> <value>`; a string is the error (what was expected). Pure. */
export function setNotifyKey(key: string, value: string): NotifyChange | string {
  const expected = NOTIFY_KEYS[key];
  if (expected === undefined) return `unknown key; the keys are ${Object.keys(NOTIFY_KEYS).join(", ")}`;
  const v = value.trim();
  const bad = `expected ${expected}`;
  if (key === "desktop") {
    if (v !== "auto" && v !== "on" && v !== "off") return bad;
    return { kind: "settings", apply: (s) => void (s.desktop = v) };
  }
  if (key === "webhook") {
    if (v === "off" || v === "none") return { kind: "settings", apply: (s) => void (s.webhook = null) };
    if (!isUrl(v)) return bad;
    return {
      kind: "settings",
      apply: (s) => void (s.webhook = { url: v, format: s.webhook?.format ?? "auto" }),
    };
  }
  if (key === "webhook-format") {
    if (!WEBHOOK_FORMATS.includes(v as WebhookFormat)) return bad;
    return {
      kind: "settings",
      apply: (s) => {
        if (s.webhook) s.webhook.format = v as WebhookFormat;
      },
    };
  }
  if (key.startsWith("thresholds.")) {
    const window = key === "thresholds.5h" ? "primary" : "secondary";
    if (v === "off" || v === "none") {
      return {
        kind: "settings",
        apply: (s) => void (s.thresholds[window] = []),
      };
    }
    const parts = v.split(",").map((p) => p.trim().replace(/%$/, ""));
    const numbers = parts.map(Number);
    if (parts.some((p) => p === "") || numbers.some((n) => !Number.isFinite(n) || n <= 0 || n > 100)) {
      return bad;
    }
    return { kind: "settings", apply: (s) => void (s.thresholds[window] = percents(numbers, [])) };
  }
  if (key.startsWith("events.")) {
    const on = onOff(v);
    if (on === null) return bad;
    const kind = key.slice("events.".length) as EventKind;
    return { kind: "settings", apply: (s) => void (s.events[kind] = on) };
  }
  const days = Number(v);
  if (!Number.isInteger(days) || days < 1 || days > 730) return bad;
  return { kind: "history-days", days };
}

function toJson(settings: NotifySettings, doc: Record<string, unknown>): Record<string, unknown> {
  return { ...doc, schemaVersion: NOTIFY_SCHEMA_VERSION, ...settings };
}

/**
 * Reads notify.json (defaults when missing or damaged), changing nothing: a damaged file is reported once and
 * left; {@link updateNotifySettings}, a writer, moves it aside.
 */
export async function loadNotifySettings(home: CaoHome): Promise<NotifySettings> {
  const path = home.paths.notifySettings;
  const read = await peekJsonFile(path);
  if (read.kind === "corrupt") {
    reportDamagedOnce(home.warn, path, `could not be parsed (${read.reason})`, "the defaults apply");
  }
  return parseNotifySettings(read.kind === "ok" ? read.value : {});
}

/** Reads, edits and writes notify.json under its lock. */
export async function updateNotifySettings<T>(
  home: CaoHome,
  edit: (settings: NotifySettings) => T,
): Promise<T> {
  const state: { doc: Record<string, unknown> } = { doc: {} };
  return await updateLocked(home, {
    path: home.paths.notifySettings,
    read: async () => {
      const read = await readJsonFile(home.paths.notifySettings, home.now());
      if (read.kind === "corrupt") {
        home.warn(`notify.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}"`);
      }
      state.doc =
        read.kind === "ok" && read.value && typeof read.value === "object" && !Array.isArray(read.value)
          ? read.value as Record<string, unknown>
          : {};
      return parseNotifySettings(state.doc);
    },
    toJson: (settings) => toJson(settings, state.doc),
  }, edit);
}
