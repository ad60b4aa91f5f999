import assert from "node:assert/strict";
import { paceLookbackSeconds, projectUsage, usageLevels } from "../../src/accounts/usage_trend.ts";
import type { UsageSample } from "../../src/accounts/usage_samples.ts";

const NOW = 1_800_000_000;
const RESET = NOW + 3 * 3600;

function s(minutesAgo: number, usedPercent: number, resetsAt: number | null = RESET): UsageSample {
  return { at: NOW - minutesAgo * 60, usedPercent, windowMinutes: 300, resetsAt, source: "headers" };
}

Deno.test("projectUsage() runs out before the reset at a steep pace", () => {
  const pace = projectUsage([s(60, 20), s(30, 35), s(0, 50)], NOW);
  assert.deepEqual(pace, { kind: "runs-out", at: NOW + 100 * 60, percentPerHour: 30, resetsAt: RESET });
});

Deno.test("projectUsage() lasts until the reset at a gentle pace, or with no rise", () => {
  assert.deepEqual(projectUsage([s(60, 20), s(0, 25)], NOW), {
    kind: "lasts",
    percentPerHour: 5,
    resetsAt: RESET,
  });
  assert.deepEqual(projectUsage([s(60, 40), s(0, 40)], NOW), {
    kind: "lasts",
    percentPerHour: 0,
    resetsAt: RESET,
  });
});

Deno.test("projectUsage() looks only at the current cycle and the recent past", () => {
  const previousCycle = s(50, 90, RESET - 5 * 3600);
  assert.deepEqual(
    projectUsage([previousCycle, s(2, 10)], NOW),
    { kind: "unknown" },
    "one sample is not a pace",
  );
  const old = s(4 * 60, 0);
  const pace = projectUsage([old, s(60, 40), s(0, 60)], NOW);
  assert.equal(pace.kind, "runs-out");
  assert.equal(
    (pace as { percentPerHour: number }).percentPerHour,
    20,
    "the hour-old sample, not the older one",
  );
  assert.equal(paceLookbackSeconds(10080), 10080 * 12, "a fifth of a week for the weekly window");
});

Deno.test("projectUsage(): exhausted, reset passed, no samples", () => {
  assert.deepEqual(projectUsage([s(10, 90), s(0, 100)], NOW), { kind: "exhausted", resetsAt: RESET });
  assert.deepEqual(projectUsage([s(60, 10), s(0, 20, NOW - 1)], NOW), { kind: "unknown" });
  assert.deepEqual(projectUsage([], NOW), { kind: "unknown" });
});

Deno.test("usageLevels() carries the last sample forward, drops to 0 after a reset, null before data", () => {
  const samples = [s(50, 10, NOW - 35 * 60), s(20, 30)];
  const levels = usageLevels(samples, { from: NOW - 60 * 60, to: NOW, steps: 6 });
  // Steps end at -50, -40, -30, -20, -10, 0 minutes.
  assert.deepEqual(levels, [10, 10, 0, 30, 30, 30]);
  assert.deepEqual(usageLevels([], { from: NOW - 60, to: NOW, steps: 2 }), [null, null]);
  assert.deepEqual(usageLevels([s(0, 5)], { from: NOW - 120, to: NOW, steps: 2 }), [null, 5]);
});
