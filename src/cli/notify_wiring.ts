/**
 * @module
 * How the CLI plugs notifications into the processes it starts: a `Notifier` for this process and what a
 * background gateway needs to deliver them. The gateway's cooldown probe and usage-history pace are in
 * `gateway_wiring.ts`, which a gateway loads without this module.
 */

import { chatgptBaseUrl } from "../codex/usage_response.ts";
import type { DetachExtras } from "../gateway/detached.ts";
import { desktopCommand } from "../notify/desktop.ts";
import { Notifier, type NotifierOptions } from "../notify/notifier.ts";
import { loadNotifySettings } from "../notify/notify_settings.ts";
import type { CommandContext } from "./context.ts";

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
