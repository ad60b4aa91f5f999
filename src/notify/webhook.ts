/**
 * @module
 * Webhook notifications: one JSON POST per notification, shaped for the receiver. `json` (cao's own
 * document), `ntfy` (its JSON publishing: `{ topic, title, message, tags, priority }` to the server's root),
 * `slack` (an incoming webhook's `{ text }`) and `discord` (`{ content, username }`); `auto` picks one from
 * the URL. {@link webhookRequest} is pure; {@link postWebhook} sends with a timeout and never throws. The URL
 * may hold a secret (Slack and Discord put one in the path): it is never printed, only its origin.
 */

import { redactSecrets } from "../shared/redact.ts";
import type { NotifyMessage } from "./event_text.ts";
import type { ChannelResult } from "./notify_log.ts";
import type { NotifyEvent } from "./notify_event.ts";
import type { WebhookFormat } from "./notify_settings.ts";
import { later } from "../shared/timers.ts";

/** A request ready for `fetch`. */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** The format `auto` means for `url`: ntfy.sh, Slack, Discord, else json. Pure. */
export function concreteFormat(url: string, format: WebhookFormat): Exclude<WebhookFormat, "auto"> {
  if (format !== "auto") return format;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "json";
  }
  const host = parsed.hostname.toLowerCase();
  if (host === "ntfy.sh" || host.startsWith("ntfy.")) return "ntfy";
  if (host === "hooks.slack.com") return "slack";
  if ((host === "discord.com" || host === "discordapp.com") && parsed.pathname.startsWith("/api/webhooks/")) {
    return "discord";
  }
  return "json";
}

/** `https://hooks.slack.com/…`: what may be shown of a webhook URL. Pure. */
export function webhookLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === "/" && parsed.search === "" ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return "(not a URL)";
  }
}

const NTFY_TAGS: Record<NotifyEvent["kind"], string> = {
  "threshold": "warning",
  "moved": "twisted_rightwards_arrows",
  "all-limited": "no_entry",
  "usable-again": "white_check_mark",
  "needs-login": "key",
};

/** The request that delivers `message` (about `event`) to `url` in `format`. Pure. */
export function webhookRequest(
  url: string,
  format: WebhookFormat,
  message: NotifyMessage,
  event: NotifyEvent | null,
  now: Date,
): WebhookRequest {
  const headers = { "content-type": "application/json", "user-agent": "cao" };
  const kind = event?.kind ?? "test";
  switch (concreteFormat(url, format)) {
    case "ntfy": {
      const parsed = new URL(url);
      const segments = parsed.pathname.split("/").filter((s) => s.length > 0);
      const topic = segments.pop() ?? "cao";
      parsed.pathname = `/${segments.join("/")}`;
      parsed.search = "";
      const urgent = kind === "all-limited" || kind === "needs-login";
      return {
        url: parsed.toString(),
        headers,
        body: JSON.stringify({
          topic,
          title: message.title,
          message: message.body,
          tags: [event ? NTFY_TAGS[event.kind] : "bell"],
          priority: urgent ? 4 : 3,
        }),
      };
    }
    case "slack":
      return { url, headers, body: JSON.stringify({ text: `*${message.title}*\n${message.body}` }) };
    case "discord":
      return {
        url,
        headers,
        body: JSON.stringify({
          username: "cao",
          content: `**${message.title}**\n${message.body}`.slice(0, 2000),
        }),
      };
    default:
      return {
        url,
        headers,
        body: JSON.stringify({
          source: "cao",
          kind,
          title: message.title,
          message: message.body,
          at: now.toISOString(),
          event,
        }),
      };
  }
}

/** POSTs one notification; a 2xx answer is `sent`, anything else `failed`. Never throws. */
export async function postWebhook(
  fetchFn: typeof fetch,
  request: WebhookRequest,
  timeoutMs = 5000,
): Promise<ChannelResult> {
  const controller = new AbortController();
  const cancelTimer = later(timeoutMs, () => controller.abort());
  const label = webhookLabel(request.url);
  try {
    const response = await fetchFn(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    await response.body?.cancel().catch(() => {});
    if (response.ok) return { channel: "webhook", outcome: "sent" };
    return { channel: "webhook", outcome: "failed", error: `${label} answered ${response.status}` };
  } catch (error) {
    const why = controller.signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : redactSecrets((error as Error).message).replace(request.url, label);
    return { channel: "webhook", outcome: "failed", error: `cannot reach ${label}: ${why}` };
  } finally {
    cancelTimer();
  }
}
