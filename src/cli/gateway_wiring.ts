/**
 * @module
 * What the gateway process takes from its environment: the cooldown probe (`CAO_COOLDOWN_PROBE_SECONDS`,
 * default 180; 0 turns probing off) and how often a busy process writes the usage history
 * (`CAO_HISTORY_FLUSH_SECONDS`, default 60); unusable values fall back to the defaults. And a notifier that
 * is loaded on its first event ({@link lazyNotifier}), so that a gateway starts without the notify modules.
 */

import { chatgptBaseUrl, usageEndpointUrl } from "../codex/usage_response.ts";
import type { NotifyEvent, NotifySink } from "../accounts/notify_sink.ts";
import type { UsageSnapshot } from "../accounts/status_store.ts";

/** Default pace of the gateway's cooldown probe: one usage request per cooling account every 3 minutes. */
export const DEFAULT_PROBE_SECONDS = 180;

/** Default interval of a busy process's usage-history writes. */
export const DEFAULT_HISTORY_FLUSH_SECONDS = 60;

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

/** A notify sink that can also wait for what it delivers. */
export type FlushingSink = NotifySink & { flush(): Promise<void> };

/**
 * A sink that calls `load` on its first event or usage reading and hands every call on, in order, to what
 * it loaded. `flush()` before any event loads nothing. A failed load drops the events (a notifier never
 * throws into its caller) and is reported to `onError`.
 */
export function lazyNotifier(
  load: () => Promise<FlushingSink>,
  onError?: (message: string) => void,
): FlushingSink {
  let loaded: Promise<FlushingSink | null> | null = null;
  const ready = () =>
    loaded ??= load().catch((error) => {
      onError?.(`cannot load the notifier: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
  return {
    emit(event: NotifyEvent): void {
      void ready().then((sink) => sink?.emit(event));
    },
    observeUsage(account: string, usage: UsageSnapshot): void {
      void ready().then((sink) => sink?.observeUsage(account, usage));
    },
    async flush(): Promise<void> {
      if (loaded === null) return;
      await (await loaded)?.flush();
    },
  };
}
