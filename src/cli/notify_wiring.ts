/**
 * @module
 * How the CLI plugs notifications, the usage history and cooldown healing into the processes it starts: a
 * `Notifier` for this process, the gateway's cooldown probe (`CAO_COOLDOWN_PROBE_SECONDS`, default 180; 0
 * turns probing off) and how often a busy process writes the usage history (`CAO_HISTORY_FLUSH_SECONDS`,
 * default 60). Unusable values fall back to the defaults.
 */

import { chatgptBaseUrl, usageEndpointUrl } from "../codex/usage_response.ts";
import type { DetachExtras } from "../gateway/detached.ts";
import { desktopCommand } from "../notify/desktop.ts";
import { Notifier, type NotifierOptions } from "../notify/notifier.ts";
import { loadNotifySettings } from "../notify/notify_settings.ts";
import type { CommandContext } from "./context.ts";

/** Default pace of the gateway's cooldown probe: one usage request per cooling account every 3 minutes. */
export const DEFAULT_PROBE_SECONDS = 180;

/** Default interval of a busy process's usage-history writes. */
export const DEFAULT_HISTORY_FLUSH_SECONDS = 60;

/** The notifier edges of this process. */
export function notifierOptions(ctx: CommandContext, by: string): NotifierOptions {
  return {
    home: ctx.home,
    spawn: ctx.deps.spawn,
    fetch: ctx.deps.fetch,
    env: ctx.deps.env,
    os: Deno.build.os,
    by,
  };
}

/** A notifier for this process (`by`: `gateway (pid 4242)`, `cao run (pid 42)`). */
export function processNotifier(
  ctx: CommandContext,
  by: string,
  onError?: (message: string) => void,
): Notifier {
  return new Notifier({ ...notifierOptions(ctx, by), onError });
}

function seconds(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** The gateway's cooldown probe from the environment. Pure. */
export function cooldownProbeFrom(
  env: (name: string) => string | undefined,
): { usageUrl: string; intervalMs: number } {
  return {
    usageUrl: usageEndpointUrl(chatgptBaseUrl(env)),
    intervalMs: seconds(env("CAO_COOLDOWN_PROBE_SECONDS"), DEFAULT_PROBE_SECONDS) * 1000,
  };
}

/** How often a busy process writes the usage history, ms. Pure. */
export function historyFlushMsFrom(env: (name: string) => string | undefined): number {
  return seconds(env("CAO_HISTORY_FLUSH_SECONDS"), DEFAULT_HISTORY_FLUSH_SECONDS) * 1000;
}

function hostOf(url: string): string[] {
  try {
    return [new URL(url).host];
  } catch {
    return [];
  }
}

/**
 * What a background gateway needs beyond the model and token hosts: the usage endpoint's host (cooldown
 * probes), the webhook's host as notify.json names it now (a new webhook host needs a restart), and this
 * system's desktop notifier.
 */
export async function detachedGatewayExtras(ctx: CommandContext): Promise<DetachExtras> {
  const settings = await loadNotifySettings(ctx.home).catch(() => null);
  return {
    netHosts: [
      ...hostOf(chatgptBaseUrl(ctx.deps.env)),
      ...(settings?.webhook ? hostOf(settings.webhook.url) : []),
    ],
    runCommands: [desktopCommand(Deno.build.os, { title: "", body: "" }).command],
  };
}
