/**
 * @module
 * The notifier a process runs: events come in through {@link Notifier.emit} and {@link Notifier.observeUsage}
 * (no I/O: a check against what this process already saw), are handed on in the background, claimed across
 * processes in `notifications.json` (one notification per event, whichever process saw it first) and
 * delivered through the channels notify.json names. A channel that is missing or fails is recorded for
 * `cao doctor`; nothing here throws into the caller or blocks it. {@link Notifier.flush} waits for what is
 * queued (a `cao run` before it exits, the gateway on close).
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import type { UsageSnapshot } from "../accounts/status_store.ts";
import type { SpawnFn } from "../codex/spawn.ts";
import { desktopCommand, hasDesktopSession, sendDesktop } from "./desktop.ts";
import { describeEvent, type NotifyMessage } from "./event_text.ts";
import {
  eventIdentity,
  isNewEvent,
  type NotifyEvent,
  type NotifySink,
  type SentMark,
  thresholdEvents,
} from "./notify_event.ts";
import { type ChannelResult, claimEvents, recordDelivery } from "./notify_log.ts";
import { CoalescedFlush } from "../shared/coalesced_flush.ts";
import { loadNotifySettings, type NotifySettings } from "./notify_settings.ts";
import { postWebhook, webhookRequest } from "./webhook.ts";

/** What a notifier needs from the outside world. */
export interface NotifierOptions {
  home: CaoHome;
  spawn: SpawnFn;
  fetch: typeof fetch;
  /** Environment (to tell whether a desktop session is reachable). */
  env(name: string): string | undefined;
  /** `Deno.build.os`. */
  os: string;
  /** Who sends, for the log: `gateway (pid 4242)`, `cao run (pid 42)`. */
  by: string;
  /** Receives a one-line description of a problem (the gateway logs it; others may ignore it). */
  onError?(message: string): void;
  /** Re-read notify.json at most this often (default 5000 ms). */
  settingsTtlMs?: number;
  /** Per delivery (default 5000 ms). */
  timeoutMs?: number;
}

/** Delivers one message through the channels `settings` enables. Never throws. */
export async function deliver(
  options: NotifierOptions,
  settings: NotifySettings,
  message: NotifyMessage,
  event: NotifyEvent | null,
): Promise<ChannelResult[]> {
  const tasks: Promise<ChannelResult>[] = [];
  const desktop = settings.desktop === "on" ||
    (settings.desktop === "auto" && hasDesktopSession(options.os, options.env));
  if (desktop) tasks.push(sendDesktop(options.spawn, desktopCommand(options.os, message), options.timeoutMs));
  if (settings.webhook) {
    const request = webhookRequest(
      settings.webhook.url,
      settings.webhook.format,
      message,
      event,
      options.home.now(),
    );
    tasks.push(postWebhook(options.fetch, request, options.timeoutMs));
  }
  const results = await Promise.all(tasks);
  // A notifier missing where desktop notifications are only wanted if available is no problem.
  return results.filter((r) =>
    !(r.channel === "desktop" && r.outcome === "missing" && settings.desktop === "auto")
  );
}

type Item = { kind: "event"; event: NotifyEvent } | { kind: "usage"; account: string; usage: UsageSnapshot };

/** Of threshold events with the same key, only the highest level. Pure. */
function highestThresholds(events: NotifyEvent[]): NotifyEvent[] {
  const best = new Map<string, NotifyEvent>();
  const out: NotifyEvent[] = [];
  for (const event of events) {
    if (event.kind !== "threshold") {
      out.push(event);
      continue;
    }
    const key = eventIdentity(event).key;
    const known = best.get(key);
    if (!known || (known.kind === "threshold" && known.threshold < event.threshold)) best.set(key, event);
  }
  return [...out, ...best.values()];
}

/** A process's notifier. */
export class Notifier implements NotifySink {
  readonly #options: NotifierOptions;
  readonly #seen = new Map<string, SentMark>();
  #queue: Item[] = [];
  readonly #drain = new CoalescedFlush(() => this.#deliverQueued(), "microtask");
  #settings: { value: NotifySettings; readAt: number } | null = null;
  /** Notifications this process delivered (tests). */
  delivered = 0;

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  emit(event: NotifyEvent): void {
    if (this.#isNew(event)) this.#push({ kind: "event", event });
  }

  observeUsage(account: string, usage: UsageSnapshot): void {
    const settings = this.#settings?.value;
    if (settings === undefined) return this.#push({ kind: "usage", account, usage });
    for (const event of this.#thresholds(settings, account, usage)) this.#push({ kind: "event", event });
  }

  /** Waits until every event emitted so far is delivered (or failed). */
  async flush(): Promise<void> {
    await this.#drain.run();
  }

  #thresholds(settings: NotifySettings, account: string, usage: UsageSnapshot): NotifyEvent[] {
    if (!settings.enabled || !settings.events.threshold) return [];
    const nowSeconds = Math.floor(this.#options.home.now().getTime() / 1000);
    return thresholdEvents(account, usage, settings.thresholds, nowSeconds).filter((e) => this.#isNew(e));
  }

  /** Whether this process has not passed the event on yet; marks it as passed on. */
  #isNew(event: NotifyEvent): boolean {
    const id = eventIdentity(event);
    const nowMs = this.#options.home.now().getTime();
    if (!isNewEvent(id, this.#seen.get(id.key), nowMs)) return false;
    this.#seen.set(id.key, { cycle: id.cycle, level: id.level, atMs: nowMs });
    return true;
  }

  #push(item: Item): void {
    this.#queue.push(item);
    this.#drain.schedule();
  }

  async #currentSettings(): Promise<NotifySettings> {
    const nowMs = performance.now();
    if (this.#settings && nowMs - this.#settings.readAt < (this.#options.settingsTtlMs ?? 5000)) {
      return this.#settings.value;
    }
    const value = await loadNotifySettings(this.#options.home);
    this.#settings = { value, readAt: nowMs };
    return value;
  }

  async #deliverQueued(): Promise<void> {
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    try {
      const settings = await this.#currentSettings();
      const events = batch.flatMap((item) =>
        item.kind === "event" ? [item.event] : this.#thresholds(settings, item.account, item.usage)
      );
      const wanted = settings.enabled ? highestThresholds(events).filter((e) => settings.events[e.kind]) : [];
      if (wanted.length === 0) return;
      const now = this.#options.home.now();
      const claims = wanted.map((event) => ({ event, message: describeEvent(event, now) }));
      for (const { entry, claim } of await claimEvents(this.#options.home, claims, this.#options.by)) {
        const results = await deliver(this.#options, settings, claim.message, claim.event);
        if (results.some((r) => r.outcome === "sent")) this.delivered++;
        await recordDelivery(this.#options.home, entry, results);
      }
    } catch (error) {
      this.#options.onError?.(`cannot send a notification: ${(error as Error).message}`);
    }
  }
}
