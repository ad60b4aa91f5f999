/**
 * @module
 * `cao notify status`: the settings, each channel with its health, and the last notifications sent, as text
 * lines and as JSON (schemaVersion 1). A webhook URL is shown by its origin only. Pure.
 */

import { formatRelative } from "../shared/format.ts";
import { desktopCommand } from "./desktop.ts";
import { EVENT_KINDS } from "./notify_event.ts";
import type { ChannelHealth, NotifyLog } from "./notify_log.ts";
import type { NotifySettings } from "./notify_settings.ts";
import { concreteFormat, webhookLabel } from "./webhook.ts";

/** The schema version of `cao notify … --json`. */
export const NOTIFY_JSON_SCHEMA_VERSION = 1;

/** What the view is made of. */
export interface NotifyFacts {
  settings: NotifySettings;
  log: NotifyLog;
  /** The history's retention, days. */
  historyDays: number;
  /** `Deno.build.os`. */
  os: string;
  /** Whether a desktop session looks reachable. */
  desktopSession: boolean;
  now: Date;
}

/** The `--json` document. Pure. */
export function notifyJson(facts: NotifyFacts): Record<string, unknown> {
  const { settings, log } = facts;
  return {
    schemaVersion: NOTIFY_JSON_SCHEMA_VERSION,
    enabled: settings.enabled,
    desktop: {
      mode: settings.desktop,
      command: desktopCommand(facts.os, { title: "", body: "" }).command,
      session: facts.desktopSession,
      health: log.channels.desktop ?? null,
    },
    webhook: settings.webhook === null ? null : {
      url: webhookLabel(settings.webhook.url),
      format: settings.webhook.format,
      sentAs: concreteFormat(settings.webhook.url, settings.webhook.format),
      health: log.channels.webhook ?? null,
    },
    thresholds: { fiveHour: settings.thresholds.primary, weekly: settings.thresholds.secondary },
    events: settings.events,
    historyDays: facts.historyDays,
    recent: log.sent.slice(-10).reverse().map((e) => ({
      at: e.at,
      kind: e.kind,
      title: e.title,
      body: e.body,
      by: e.by,
      channels: e.channels,
    })),
  };
}

function healthText(health: ChannelHealth | undefined, now: Date): string {
  if (!health) return "not used yet";
  const since = formatRelative(new Date(health.since), now);
  if (health.state === "ok") {
    return `working (last sent ${formatRelative(new Date(health.lastOkAt ?? health.since), now)})`;
  }
  const what = health.state === "missing" ? "missing" : `failing (${health.failures} in a row)`;
  return `${what} since ${since}: ${health.lastError ?? "unknown error"}`;
}

function percents(list: number[]): string {
  return list.length === 0 ? "off" : list.map((p) => `${p}%`).join(", ");
}

/** The text of `cao notify status`. Pure. */
export function renderNotifyStatus(facts: NotifyFacts): string[] {
  const { settings, log, now } = facts;
  const command = desktopCommand(facts.os, { title: "", body: "" }).command;
  const desktop = settings.desktop === "off"
    ? "off"
    : `${settings.desktop} (${command}${facts.desktopSession ? "" : ", no desktop session found"}); ${
      healthText(log.channels.desktop, now)
    }`;
  const webhook = settings.webhook === null
    ? "none (cao notify set webhook <url>)"
    : `${webhookLabel(settings.webhook.url)} as ${
      concreteFormat(settings.webhook.url, settings.webhook.format)
    }; ${healthText(log.channels.webhook, now)}`;
  const events = EVENT_KINDS.map((k) => `${k} ${settings.events[k] ? "on" : "off"}`).join(", ");
  const lines = [
    `notifications   ${settings.enabled ? "on" : "off (cao notify on)"}`,
    `desktop         ${desktop}`,
    `webhook         ${webhook}`,
    `thresholds      5-hour ${percents(settings.thresholds.primary)}; weekly ${
      percents(settings.thresholds.secondary)
    }`,
    `events          ${events}`,
    `history         kept ${facts.historyDays} days`,
  ];
  const recent = log.sent.slice(-5).reverse();
  lines.push("", recent.length === 0 ? "No notification sent yet." : "Last notifications:");
  for (const e of recent) {
    lines.push(`  ${e.at} (${formatRelative(new Date(e.at), now)})  ${e.title}  [${e.by}]`);
  }
  return lines;
}
