/**
 * @module
 * Waiting in tests, on conditions rather than on time: {@link waitFor} polls a condition until it holds, and
 * {@link within} bounds a promise, so that a test under load waits as long as it must and a broken one fails
 * with a message naming what it waited for instead of hanging. Test-only.
 */

import { pollUntil } from "../../src/shared/wait.ts";

/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** What is awaited, for the failure message ("the gateway to forget the per-run key"). */
  what: string;
  /** How long to wait before failing (default 10 s). */
  timeoutMs?: number;
  /** The pause between checks (default 20 ms). */
  intervalMs?: number;
}

/**
 * Calls `condition` until it returns a truthy value and resolves with that value; rejects with
 * `Timed out after <n> ms waiting for <what>` when `timeoutMs` passes first. An error thrown by `condition`
 * ends the wait with that error. Paced by `src/`'s own {@link pollUntil}.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions,
): Promise<NonNullable<T>> {
  const { what, timeoutMs = 10_000, intervalMs = 20 } = options;
  const value = await pollUntil(async () => (await condition()) || undefined, { timeoutMs, intervalMs });
  if (value === undefined) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
  return value as NonNullable<T>;
}

/** `promise`, or a rejection naming `what` after `ms` (so that a test fails instead of hanging). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) =>
        timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
