/**
 * The idle watch's one timer: started once for exchanges that follow each other (not per request), stopped
 * by the first tick that finds nothing tracked, and still aborting an exchange that stays idle.
 */

import assert from "node:assert/strict";
import { IdleWatch } from "../../src/gateway/idle_watch.ts";
import type { Cancel } from "../../src/shared/timers.ts";

/** A `repeat` driven by hand: counts starts and stops, and ticks when told. */
function manualRepeat() {
  const timers: { fn: () => void; stopped: boolean }[] = [];
  const every = (_ms: number, fn: () => void): Cancel => {
    const timer = { fn, stopped: false };
    timers.push(timer);
    return () => timer.stopped = true;
  };
  const running = () => timers.filter((t) => !t.stopped);
  const tick = () => {
    for (const timer of running()) timer.fn();
  };
  return { every, timers, running, tick };
}

Deno.test("exchanges one after another share one idle timer, which stops at a tick with nothing tracked", () => {
  const clock = manualRepeat();
  const idle = new IdleWatch(60_000, clock.every);
  for (let i = 0; i < 100; i++) idle.track(() => {}).done();
  assert.equal(clock.timers.length, 1, "one timer for 100 requests in a row");
  assert.equal(clock.running().length, 1, "still running right after the last one ended");
  clock.tick();
  assert.equal(clock.running().length, 0, "a tick that finds nothing tracked stops it");
  idle.track(() => {}).done();
  assert.equal(clock.timers.length, 2, "the next exchange starts it again");
  idle.close();
  assert.equal(clock.running().length, 0);
});

Deno.test("an exchange that shows no activity for the idle time is aborted, one that keeps talking is not", () => {
  const clock = manualRepeat();
  const idle = new IdleWatch(20_000, clock.every); // a step of 5 s: idle after more than 4 steps
  const aborted: string[] = [];
  const silent = idle.track(() => aborted.push("silent"));
  const talking = idle.track(() => aborted.push("talking"));
  for (let step = 0; step < 4; step++) {
    clock.tick();
    talking.touch();
  }
  assert.deepEqual(aborted, [], "not before the idle time");
  clock.tick();
  talking.touch();
  assert.deepEqual(aborted, ["silent"]);
  for (let step = 0; step < 10; step++) {
    clock.tick();
    talking.touch();
  }
  assert.deepEqual(aborted, ["silent"], "activity keeps an exchange alive");
  talking.done();
  silent.done();
  idle.close();
});
