/**
 * @module
 * The doctor's word on notifications: a channel that is set up but missing or failing is one finding (not
 * one per failed notification), with how to fix it or turn it off. Pure.
 */

import type { ChannelHealth, NotifyLog } from "../notify/notify_log.ts";
import type { NotifySettings } from "../notify/notify_settings.ts";
import { webhookLabel } from "../notify/webhook.ts";
import { formatRelative } from "../shared/format.ts";

/** A doctor finding (the shape of `doctor_checks.ts` `Finding`, which imports this module). */
export interface NotifyFinding {
  check: "notify-desktop" | "notify-webhook";
  severity: "warning";
  account: null;
  message: string;
  fix: string;
}

/** What the doctor knows about notifications. */
export interface NotifyDoctorFacts {
  settings: NotifySettings;
  log: NotifyLog;
}

function since(health: ChannelHealth, now: Date): string {
  return `${health.failures} in a row, since ${formatRelative(new Date(health.since), now)}`;
}

/** The findings about the notification channels. Pure. */
export function notifyFindings(facts: NotifyDoctorFacts | undefined, now: Date): NotifyFinding[] {
  if (!facts || !facts.settings.enabled) return [];
  const out: NotifyFinding[] = [];
  const desktop = facts.log.channels.desktop;
  if (facts.settings.desktop !== "off" && desktop && desktop.state !== "ok") {
    const missing = desktop.state === "missing";
    if (!missing || facts.settings.desktop === "on") {
      out.push({
        check: "notify-desktop",
        severity: "warning",
        account: null,
        message: `desktop notifications ${missing ? "have no notifier" : "fail"} (${
          desktop.lastError ?? "unknown"
        }; ${since(desktop, now)})`,
        fix: missing
          ? 'install one (Linux: notify-send, from libnotify) or "cao notify set desktop off"'
          : 'check it with "cao notify test", or "cao notify set desktop off"',
      });
    }
  }
  const webhook = facts.log.channels.webhook;
  if (facts.settings.webhook && webhook && webhook.state !== "ok") {
    out.push({
      check: "notify-webhook",
      severity: "warning",
      account: null,
      message: `the webhook ${webhookLabel(facts.settings.webhook.url)} fails (${
        webhook.lastError ?? "unknown"
      }; ${since(webhook, now)})`,
      fix: 'check it with "cao notify test", or "cao notify set webhook off"',
    });
  }
  return out;
}
