/**
 * @module
 * Waiting, once: {@link sleep} (a timer that an abort ends early, leaving nothing behind) and
 * {@link pollUntil} (ask again at an interval until there is an answer or the time is up). Everything that
 * pauses or polls in `src/` goes through these; the CLI hands `sleep` out as `deps.sleep`.
 */

import { later } from "./timers.ts";

/** Resolves after `ms`, or as soon as `abort` fires; leaves no listener and nothing that keeps the process alive. */
export function sleep(ms: number, abort?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || abort?.aborted) return resolve();
    const done = () => {
      cancel();
      abort?.removeEventListener("abort", done);
      resolve();
    };
    const cancel = later(ms, done);
    abort?.addEventListener("abort", done);
  });
}

/** How {@link pollUntil} paces itself. */
export interface PollOptions {
  /** Give up after this long (measured on a monotonic clock from the first call). */
  timeoutMs: number;
  /** Pause between two calls (default 100 ms). */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined`, pausing `intervalMs` between calls, and
 * returns that; returns `undefined` once `timeoutMs` has passed without an answer. Calls at least once.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T | undefined> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    if (performance.now() >= deadline) return undefined;
    await sleep(options.intervalMs ?? 100);
  }
}
