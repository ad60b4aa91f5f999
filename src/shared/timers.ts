/**
 * @module
 * Timers that leave Deno's Node timers unloaded: {@link later} (once) and {@link repeat} (at an interval).
 * In Deno 2.9 the global `setTimeout`/`setInterval` are Node's; the first call of a process loads them
 * (about 110 `ext:deno_node` scripts: 11–12 ms of CPU and 3.5–4.5 MiB of RSS, measured), which the gateway
 * paid on its start path before it could answer. These run
 * on the web timer behind `AbortSignal.timeout()`, which Deno has loaded already. Like `setTimeout`, a
 * pending timer keeps the process alive; a cancelled one does not (its listener is removed at once). Each
 * one that comes due makes a `DOMException` (the signal's reason), so none is started per request.
 */

/** Stops a timer; calling it again does nothing. */
export type Cancel = () => void;

/**
 * Runs `fn` once after `ms` milliseconds, unless cancelled first. A delay that is not a positive finite
 * number (NaN, Infinity, negative) means at once, as with `setTimeout`; `AbortSignal.timeout` would throw.
 */
export function later(ms: number, fn: () => void): Cancel {
  const signal = AbortSignal.timeout(Number.isFinite(ms) && ms > 0 ? ms : 0);
  const fire = () => fn();
  signal.addEventListener("abort", fire, { once: true });
  return () => signal.removeEventListener("abort", fire);
}

/** Runs `fn` every `ms` milliseconds (each wait starts when the previous run returns) until cancelled. */
export function repeat(ms: number, fn: () => void): Cancel {
  let cancel: Cancel;
  let stopped = false;
  const tick = () => {
    cancel = later(ms, tick);
    fn();
  };
  cancel = later(ms, tick);
  return () => {
    if (stopped) return;
    stopped = true;
    cancel();
  };
}
