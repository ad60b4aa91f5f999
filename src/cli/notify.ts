/**
 * @module
 * `cao notify [status] [--json]`, `cao notify on|off`, `cao notify test`, `cao notify set <key> <value>`:
 * see and change which notifications cao sends (thresholds, work moved, every account limited, usable
 * again, needs a new login) and where (the desktop, a webhook). Settings live in notify.json; the history's
 * retention (`history-days`) in usage_history.json.
 */

import { loadUsageHistory, setHistoryRetention } from "../accounts/usage_history.ts";
import type { Command } from "../deps/commander.ts";
import { hasDesktopSession } from "../notify/desktop.ts";
import { deliver } from "../notify/notifier.ts";
import { notifierOptions } from "./notify_wiring.ts";
import { loadNotifyLog, recordDelivery } from "../notify/notify_log.ts";
import {
  loadNotifySettings,
  NOTIFY_KEYS,
  setNotifyKey,
  updateNotifySettings,
} from "../notify/notify_settings.ts";
import {
  NOTIFY_JSON_SCHEMA_VERSION,
  type NotifyFacts,
  notifyJson,
  renderNotifyStatus,
} from "../notify/notify_view.ts";
import { CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";

async function facts(ctx: CommandContext): Promise<NotifyFacts> {
  const [settings, log, history] = await Promise.all([
    loadNotifySettings(ctx.home),
    loadNotifyLog(ctx.home),
    loadUsageHistory(ctx.home),
  ]);
  return {
    settings,
    log,
    historyDays: history.retentionDays,
    os: Deno.build.os,
    desktopSession: hasDesktopSession(Deno.build.os, ctx.deps.env),
    now: ctx.deps.now(),
  };
}

/** `cao notify status`. */
export async function showNotify(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const current = await facts(ctx);
  if (options.json) ctx.out.json(notifyJson(current));
  else for (const line of renderNotifyStatus(current)) ctx.out.line(line);
  return ExitCode.ok;
}

/** `cao notify on|off`. */
export async function switchNotify(
  ctx: CommandContext,
  on: boolean,
  options: { json?: boolean },
): Promise<number> {
  await updateNotifySettings(ctx.home, (s) => void (s.enabled = on));
  if (options.json) return await showNotify(ctx, options);
  ctx.out.line(on ? "Notifications are on." : "Notifications are off.");
  return ExitCode.ok;
}

/** `cao notify set <key> <value>`. */
export async function setNotify(
  ctx: CommandContext,
  key: string,
  value: string,
  options: { json?: boolean },
): Promise<number> {
  const change = setNotifyKey(key, value);
  if (typeof change === "string") {
    throw new UsageError(`Cannot set "${key}" to "${value}": ${change}`, 'see "cao notify set --help"');
  }
  if (change.kind === "history-days") await setHistoryRetention(ctx.home, change.days);
  else {
    await updateNotifySettings(ctx.home, (s) => {
      if (key === "webhook-format" && s.webhook === null) {
        throw new UsageError(
          `Cannot set "${key}": no webhook is set`,
          'set one first: "cao notify set webhook <url>"',
        );
      }
      change.apply(s);
    });
  }
  if (options.json) return await showNotify(ctx, options);
  ctx.out.line(`${key} set.`);
  return ExitCode.ok;
}

/** `cao notify test`: one notification through every channel set up, whatever the switches say. */
export async function testNotify(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const settings = await loadNotifySettings(ctx.home);
  const channels = { ...settings, desktop: settings.desktop === "off" ? "off" as const : "on" as const };
  const message = { title: "cao: test notification", body: "If you can read this, cao can reach you here." };
  const results = await deliver(
    notifierOptions(ctx, `cao notify test (pid ${Deno.pid})`),
    channels,
    message,
    null,
  );
  await recordDelivery(ctx.home, null, results);
  if (options.json) {
    ctx.out.json({ schemaVersion: NOTIFY_JSON_SCHEMA_VERSION, results });
  } else {
    for (const r of results) {
      ctx.out.line(
        `${r.channel}: ${r.outcome === "sent" ? "sent" : `${r.outcome} (${r.error ?? "unknown"})`}`,
      );
    }
  }
  if (results.length === 0) {
    throw new CaoError("Cannot send a test notification: no channel is set up", {
      hint: 'turn the desktop on with "cao notify set desktop on" or add "cao notify set webhook <url>"',
    });
  }
  return results.some((r) => r.outcome === "sent") ? ExitCode.ok : ExitCode.failure;
}

/** Registers `cao notify`. */
export function registerNotify(program: Command, run: Runner): void {
  const notify = program.command("notify")
    .description("see and change notifications: usage thresholds, work moved, all limited, usable again");
  notify.command("status", { isDefault: true })
    .description("the settings, each channel's health and the last notifications")
    .option("--json", "print JSON (schemaVersion, enabled, desktop, webhook, thresholds, events, recent)")
    .action((options) => run((ctx) => showNotify(ctx, options)));
  notify.command("on").description("turn notifications on")
    .option("--json", "print the settings as JSON")
    .action((options) => run((ctx) => switchNotify(ctx, true, options)));
  notify.command("off").description("turn notifications off")
    .option("--json", "print the settings as JSON")
    .action((options) => run((ctx) => switchNotify(ctx, false, options)));
  notify.command("test").description("send a test notification through every channel set up")
    .option("--json", "print JSON (schemaVersion, results: [{ channel, outcome, error }])")
    .action((options) => run((ctx) => testNotify(ctx, options)));
  notify.command("set")
    .description("change a setting")
    .argument("<key>", Object.keys(NOTIFY_KEYS).join(", "))
    .argument("<value>", "the new value")
    .option("--json", "print the settings as JSON")
    .addHelpText(
      "after",
      "\nKeys:\n" + Object.entries(NOTIFY_KEYS).map(([k, v]) => `  ${k.padEnd(20)} ${v}`).join("\n"),
    )
    .action((key, value, options) => run((ctx) => setNotify(ctx, key, value, options)));
}
