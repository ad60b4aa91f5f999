import assert from "node:assert/strict";
import {
  addSample,
  addSnapshot,
  emptyUsageHistory,
  HEARTBEAT_SECONDS,
  parseUsageHistory,
  pruneHistory,
  readSamples,
  samplesFromSnapshot,
  type UsageSample,
} from "../../src/accounts/usage_samples.ts";

const T0 = Date.parse("2026-11-21T12:00:00Z") / 1000;

function sample(at: number, usedPercent: number, resetsAt: number | null = T0 + 3600): UsageSample {
  return { at, usedPercent, windowMinutes: 300, resetsAt, source: "headers" };
}

Deno.test("addSample() keeps at most one sample per minute, the minute's last word", () => {
  const samples: UsageSample[] = [];
  assert.equal(addSample(samples, sample(T0 + 1, 10)), true);
  assert.equal(addSample(samples, sample(T0 + 20, 11)), true);
  assert.equal(addSample(samples, sample(T0 + 59, 12)), true);
  assert.deepEqual(samples.map((s) => s.usedPercent), [12], "one sample for the minute 12:00");
  assert.equal(addSample(samples, sample(T0 + 61, 13)), true);
  assert.deepEqual(samples.map((s) => [s.at - T0, s.usedPercent]), [[59, 12], [61, 13]]);
  assert.equal(addSample(samples, sample(T0 + 30, 99)), false, "an older sample is ignored");
});

Deno.test("addSample() stores an unchanged reading again only after the heartbeat", () => {
  const samples = [sample(T0, 40)];
  assert.equal(addSample(samples, sample(T0 + 120, 40, T0 + 3600 + 30)), false, "reset jitter is the same");
  assert.equal(addSample(samples, sample(T0 + HEARTBEAT_SECONDS, 40)), true);
  assert.equal(samples.length, 2);
  assert.equal(
    addSample(samples, sample(T0 + HEARTBEAT_SECONDS + 60, 40, T0 + 9 * 3600)),
    true,
    "a new cycle",
  );
});

Deno.test("samplesFromSnapshot() and addSnapshot() split a snapshot into its windows", () => {
  const usage = {
    primary: { usedPercent: 42, windowMinutes: 300, resetsAt: T0 + 100 },
    secondary: null,
    observedAt: new Date(T0 * 1000).toISOString(),
    source: "rollout",
  };
  assert.deepEqual(samplesFromSnapshot(usage), {
    primary: { at: T0, usedPercent: 42, windowMinutes: 300, resetsAt: T0 + 100, source: "rollout" },
  });
  const history = emptyUsageHistory();
  assert.equal(addSnapshot(history, "work", usage), true);
  assert.equal(addSnapshot(history, "work", usage), false);
  assert.deepEqual(history.accounts.work.secondary, []);
  assert.equal(history.accounts.work.primary.length, 1);
});

Deno.test("pruneHistory() drops what is past the retention and thins older samples", () => {
  const history = emptyUsageHistory(30);
  const now = T0;
  const minutes = (n: number) => n * 60;
  history.accounts.work = {
    primary: [
      sample(now - 31 * 86400, 1), // past the retention
      sample(now - 8 * 86400, 2), // same hour as the next: thinned away
      sample(now - 8 * 86400 + minutes(30), 3),
      sample(now - 2 * 86400, 4), // same 10 minutes as the next
      sample(now - 2 * 86400 + minutes(5), 5),
      sample(now - minutes(3), 6), // recent: kept per minute
      sample(now - minutes(2), 7),
    ].sort((a, b) => a.at - b.at),
    secondary: [],
  };
  history.accounts.gone = { primary: [sample(now - 40 * 86400, 1)], secondary: [] };
  assert.equal(pruneHistory(history, now), true);
  assert.deepEqual(history.accounts.work.primary.map((s) => s.usedPercent), [3, 5, 6, 7]);
  assert.equal(history.accounts.gone, undefined, "an account left empty is removed");
  assert.equal(pruneHistory(history, now), false, "pruning twice changes nothing");
});

Deno.test("pruneHistory() bounds a month of per-minute samples", () => {
  const history = emptyUsageHistory(30);
  const samples: UsageSample[] = [];
  for (let at = T0 - 30 * 86400 + 60; at <= T0; at += 60) samples.push(sample(at, (at / 60) % 100));
  history.accounts.busy = { primary: samples, secondary: [] };
  pruneHistory(history, T0);
  const kept = history.accounts.busy.primary.length;
  assert.ok(kept < 3000, `${kept} samples kept of ${samples.length}`);
  assert.ok(kept > 1440, "the last day keeps one sample per minute");
});

Deno.test("readSamples() returns one account's window within a time range, as copies", () => {
  const history = emptyUsageHistory();
  history.accounts.work = {
    primary: [sample(T0, 1), sample(T0 + 60, 2), sample(T0 + 120, 3)],
    secondary: [],
  };
  const read = readSamples(history, { account: "work", window: "primary", from: T0 + 60, to: T0 + 120 });
  assert.deepEqual(read.map((s) => s.usedPercent), [2, 3]);
  read[0].usedPercent = 99;
  assert.equal(history.accounts.work.primary[1].usedPercent, 2);
  assert.deepEqual(readSamples(history, { account: "nobody", window: "secondary" }), []);
  assert.equal(readSamples(history, { account: "work", window: "primary" }).length, 3);
});

Deno.test("parseUsageHistory() drops bad samples, sorts, and keeps unknown fields", () => {
  const history = parseUsageHistory({
    schemaVersion: 1,
    retentionDays: 0,
    future: true,
    accounts: {
      work: { primary: [{ at: T0 + 60, usedPercent: 5 }, { at: "x" }, { at: T0, usedPercent: 150 }] },
      bad: "nope",
    },
  });
  assert.equal(history.retentionDays, 30, "a bad retention falls back to the default");
  assert.equal(history.future, true);
  assert.deepEqual(history.accounts.work.primary.map((s) => [s.at - T0, s.usedPercent]), [[0, 100], [60, 5]]);
  assert.deepEqual(history.accounts.bad, { primary: [], secondary: [] });
});
