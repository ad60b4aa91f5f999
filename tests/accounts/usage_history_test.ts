import assert from "node:assert/strict";
import {
  loadUsageHistory,
  recordUsageHistory,
  setHistoryRetention,
  updateUsageHistory,
} from "../../src/accounts/usage_history.ts";
import { UsageHistoryBuffer } from "../../src/accounts/usage_history_buffer.ts";
import { readSamples } from "../../src/accounts/usage_samples.ts";
import type { UsageSnapshot } from "../../src/accounts/status_store.ts";
import { tempCaoHome } from "../support/temp_cao_home.ts";

function usage(at: Date, usedPercent: number, source = "headers"): UsageSnapshot {
  return {
    primary: { usedPercent, windowMinutes: 300, resetsAt: Math.floor(at.getTime() / 1000) + 3600 },
    secondary: { usedPercent: usedPercent / 2, windowMinutes: 10080, resetsAt: null },
    observedAt: at.toISOString(),
    source,
  };
}

const minute = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

Deno.test("recordUsageHistory() writes a private, compact file that loadUsageHistory() reads back", async () => {
  await using home = await tempCaoHome();
  const now = home.now();
  await recordUsageHistory(home, [
    { account: "work", usage: usage(now, 10) },
    { account: "work", usage: usage(minute(now, 1), 20) },
  ]);
  const history = await loadUsageHistory(home);
  assert.deepEqual(readSamples(history, { account: "work", window: "primary" }).map((s) => s.usedPercent), [
    10,
    20,
  ]);
  assert.deepEqual(readSamples(history, { account: "work", window: "secondary" }).map((s) => s.usedPercent), [
    5,
    10,
  ]);
  const info = await Deno.stat(home.paths.usageHistory);
  if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o600);
  const text = await Deno.readTextFile(home.paths.usageHistory);
  assert.equal(text.split("\n").length, 2, "one line of JSON");
  assert.equal(JSON.parse(text).schemaVersion, 1);
});

Deno.test("updateUsageHistory(): an edit that changes nothing rewrites nothing (same inode and mtime)", async () => {
  await using home = await tempCaoHome();
  assert.equal(await updateUsageHistory(home, () => {}), true);
  assert.equal(await Deno.stat(home.paths.usageHistory).catch(() => null), null, "no file for no change");
  const entry = { account: "work", usage: usage(home.now(), 10) };
  await recordUsageHistory(home, [entry]);
  const before = await Deno.stat(home.paths.usageHistory);
  await recordUsageHistory(home, [entry]);
  await setHistoryRetention(home, (await loadUsageHistory(home)).retentionDays);
  const after = await Deno.stat(home.paths.usageHistory);
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  await setHistoryRetention(home, 7);
  assert.notEqual((await Deno.stat(home.paths.usageHistory)).ino, before.ino, "a change is written");
});

Deno.test("usage history: concurrent writers lose nothing", async () => {
  await using home = await tempCaoHome();
  const now = home.now();
  await Promise.all(
    Array.from(
      { length: 8 },
      (_, i) => recordUsageHistory(home, [{ account: `a${i}`, usage: usage(now, i) }]),
    ),
  );
  const history = await loadUsageHistory(home);
  assert.equal(Object.keys(history.accounts).length, 8);
});

Deno.test("usage history: a corrupt file is moved aside by a writer, left by a reader, and never blocks either", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true });
  await Deno.writeTextFile(home.paths.usageHistory, "{ not json");
  assert.deepEqual((await loadUsageHistory(home)).accounts, {});
  assert.deepEqual((await loadUsageHistory(home)).accounts, {});
  assert.equal(home.warnings.length, 1, "said once");
  assert.match(
    home.warnings[0],
    /usage_history\.json could not be parsed.*left as it is \("cao doctor" moves it aside\)/,
  );
  assert.equal(await Deno.readTextFile(home.paths.usageHistory), "{ not json");
  await recordUsageHistory(home, [{ account: "work", usage: usage(home.now(), 1) }]);
  assert.match(home.warnings.join("\n"), /usage_history\.json could not be parsed.*moved to/);
  const aside = (await Array.fromAsync(Deno.readDir(home.paths.root))).filter((e) =>
    e.name.includes(".corrupt-")
  );
  assert.equal(aside.length, 1);
  assert.equal(
    await Deno.readTextFile(`${home.paths.root}/${aside[0].name}`),
    "{ not json",
    "kept as it was",
  );

  await Deno.writeTextFile(home.paths.usageHistory, "[1, 2]");
  await recordUsageHistory(home, [{ account: "work", usage: usage(home.now(), 1) }]);
  assert.equal(Object.keys((await loadUsageHistory(home)).accounts).length, 1);
});

Deno.test("usage history: a file from a newer cao is read as empty and never rewritten", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true });
  const newer = JSON.stringify({ schemaVersion: 9, accounts: { x: { primary: [] } } });
  await Deno.writeTextFile(home.paths.usageHistory, newer);
  assert.deepEqual((await loadUsageHistory(home)).accounts, {});
  assert.match(home.warnings.join("\n"), /schema version 9/);
  assert.equal(await updateUsageHistory(home, () => {}), false);
  await recordUsageHistory(home, [{ account: "work", usage: usage(home.now(), 1) }]);
  assert.equal(await Deno.readTextFile(home.paths.usageHistory), newer);
});

Deno.test("setHistoryRetention() prunes to the new retention and refuses nonsense", async () => {
  await using home = await tempCaoHome();
  const now = home.now();
  const old = new Date(now.getTime() - 10 * 86400_000);
  await recordUsageHistory(home, [{ account: "work", usage: usage(old, 5) }]);
  await recordUsageHistory(home, [{ account: "work", usage: usage(now, 6) }]);
  await setHistoryRetention(home, 7);
  const history = await loadUsageHistory(home);
  assert.equal(history.retentionDays, 7);
  assert.deepEqual(readSamples(history, { account: "work", window: "primary" }).map((s) => s.usedPercent), [
    6,
  ]);
  await assert.rejects(setHistoryRetention(home, 0), RangeError);
  await assert.rejects(setHistoryRetention(home, 2.5), RangeError);
});

Deno.test("UsageHistoryBuffer coalesces a busy stream to one sample per account and minute, one write", async () => {
  await using home = await tempCaoHome();
  const now = home.now();
  const buffer = new UsageHistoryBuffer(home, { flushIntervalMs: 60_000, onError: (m) => assert.fail(m) });
  for (let i = 0; i < 200; i++) buffer.add("work", usage(new Date(now.getTime() + i * 100), i % 100));
  buffer.add("work", usage(minute(now, 1), 55));
  buffer.add("other", usage(now, 1));
  await buffer.close();
  assert.equal(buffer.writes, 1);
  const history = await loadUsageHistory(home);
  const work = readSamples(history, { account: "work", window: "primary" });
  assert.equal(work.length, 2, "one per minute");
  assert.equal(work[1].usedPercent, 55);
  assert.equal(readSamples(history, { account: "other", window: "primary" }).length, 1);
  buffer.add("late", usage(now, 1));
  await buffer.flush();
  assert.equal(buffer.writes, 2, "a closed buffer still writes when asked, without a timer");
});
