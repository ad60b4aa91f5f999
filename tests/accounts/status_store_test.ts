import assert from "node:assert/strict";
import {
  emptyAccountStatus,
  loadStatusFile,
  parseAccountStatus,
  parseStatusFile,
  statusOf,
  updateStatusFile,
  type UsageSnapshot,
  type UsageWindow,
} from "../../src/accounts/status_store.ts";
import {
  activeCooldown,
  applyUsageReading,
  clearCooldown,
  clearPassedCooldown,
  DEFAULT_COOLDOWN_MS,
  markNeedsRelogin,
  mergeUsage,
  passedCooldown,
  recordAttempt,
  recordFailure,
  recordQuotaHit,
  recordSuccess,
  recordUsage,
} from "../../src/accounts/status_events.ts";
import { tempCaoHome } from "../support/temp_cao_home.ts";

const NOW = new Date("2026-11-21T12:00:00Z");

Deno.test("parseAccountStatus() resets bad fields and keeps unknown ones", () => {
  const status = parseAccountStatus({
    attempts: -3,
    successes: "x",
    cooldownUntil: "garbage",
    future: 1,
    failures: 2.7,
  });
  assert.equal(status.attempts, 0);
  assert.equal(status.successes, 0);
  assert.equal(status.failures, 2);
  assert.equal(status.cooldownUntil, null);
  assert.equal(status.future, 1);
  assert.deepEqual(parseStatusFile("nonsense").accounts, {});
});

Deno.test("status events: attempt, failure, success, quota hit, relogin", () => {
  const status = emptyAccountStatus();
  recordAttempt(status, NOW);
  recordFailure(status, NOW, "boom\nsecond line with Bearer abcdefghijk");
  recordFailure(status, NOW, "again");
  assert.equal(status.consecutiveFailures, 2);
  assert.equal(status.lastError, "again");
  recordSuccess(status, NOW);
  assert.equal(status.consecutiveFailures, 0);
  assert.equal(status.failures, 2);
  assert.equal(status.successes, 1);

  const reset = new Date("2026-11-21T15:00:00Z");
  assert.deepEqual(recordQuotaHit(status, NOW, { resetsAt: reset, message: "limit" }), reset);
  assert.equal(status.cooldownUntil, reset.toISOString());
  assert.deepEqual(activeCooldown(status, NOW), reset);
  assert.equal(
    activeCooldown(status, new Date("2026-11-21T15:00:01Z")),
    null,
    "a passed cooldown no longer counts",
  );

  const unknownReset = recordQuotaHit(status, NOW, { resetsAt: null });
  assert.equal(unknownReset.getTime(), NOW.getTime() + DEFAULT_COOLDOWN_MS);
  assert.equal(clearCooldown(status), true);
  assert.equal(status.cooldownUntil, null);

  markNeedsRelogin(status, "refresh_token_reused rt_secretsecretsecret");
  assert.equal(status.needsRelogin, true);
  assert.ok(!status.needsReloginReason!.includes("rt_secretsecretsecret"));
});

Deno.test("recordSuccess() ends a cooldown whose reset passed completely, recorded as answered", () => {
  const status = emptyAccountStatus();
  status.cooldownUntil = "2026-11-21T11:00:00.000Z";
  status.cooldownReason = "usage limit (usage_limit_reached)";
  status.cooldownSource = "gateway (pid 7): usage_limit_reached from the upstream";
  status.cooldownCleared = {
    at: "2026-11-19T08:00:00.000Z",
    why: "by-hand",
    by: "cao cooldown clear",
    until: "2026-11-19T09:00:00.000Z",
  };
  recordSuccess(status, NOW, "gateway (pid 9)");
  assert.equal(status.cooldownUntil, null);
  assert.equal(status.cooldownReason, null, "no reason is left behind for a cooldown that is over");
  assert.equal(status.cooldownSource, null);
  assert.deepEqual(status.cooldownCleared, {
    at: NOW.toISOString(),
    why: "answered",
    by: "gateway (pid 9)",
    until: "2026-11-21T11:00:00.000Z",
  });
  assert.equal(status.successes, 1);
});

Deno.test("recordSuccess() leaves a cooldown in force, and names this process when no one is given", () => {
  const cooling = emptyAccountStatus();
  cooling.cooldownUntil = "2026-11-21T13:00:00.000Z";
  cooling.cooldownReason = "usage limit";
  recordSuccess(cooling, NOW, "gateway (pid 9)");
  assert.equal(cooling.cooldownUntil, "2026-11-21T13:00:00.000Z");
  assert.equal(cooling.cooldownReason, "usage limit");
  assert.equal(cooling.cooldownCleared, null);

  const none = emptyAccountStatus();
  recordSuccess(none, NOW);
  assert.equal(none.cooldownCleared, null, "no cooldown, nothing to record");

  const over = emptyAccountStatus();
  over.cooldownUntil = "2026-11-21T11:00:00.000Z";
  recordSuccess(over, NOW);
  assert.equal(over.cooldownCleared?.by, `cao (pid ${Deno.pid})`);
});

Deno.test("passedCooldown() and clearPassedCooldown() act only on a recorded cooldown that is over", () => {
  const cooling = emptyAccountStatus();
  cooling.cooldownUntil = "2026-11-21T13:00:00.000Z";
  assert.equal(passedCooldown(cooling, NOW), null);
  assert.equal(clearPassedCooldown(cooling, NOW, "cao run (pid 1)"), null);
  assert.equal(cooling.cooldownUntil, "2026-11-21T13:00:00.000Z", "a cooldown in force stays");
  assert.equal(passedCooldown(emptyAccountStatus(), NOW), null);

  const over = emptyAccountStatus();
  over.cooldownUntil = "2026-11-21T12:00:00.000Z";
  over.cooldownReason = "usage limit";
  assert.equal(
    passedCooldown(over, NOW)?.toISOString(),
    "2026-11-21T12:00:00.000Z",
    "its end counts as over",
  );
  assert.equal(clearPassedCooldown(over, NOW, "cao run (pid 1)")?.toISOString(), "2026-11-21T12:00:00.000Z");
  assert.equal(over.cooldownUntil, null);
  assert.equal(over.cooldownReason, null);
  assert.deepEqual(over.cooldownCleared, {
    at: NOW.toISOString(),
    why: "reset-passed",
    by: "cao run (pid 1)",
    until: "2026-11-21T12:00:00.000Z",
  });
});

Deno.test("a corrupt account_status.json is moved aside and the status starts afresh", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(home.paths.status, "][");
  await updateStatusFile(home, (file) => recordAttempt(statusOf(file, "a"), NOW));
  assert.equal((await loadStatusFile(home)).accounts.a.attempts, 1);
  assert.equal(await Deno.readTextFile(`${home.paths.status}.corrupt-20261121T120000Z`), "][");
  assert.match(home.warnings[0], /account_status\.json could not be parsed/);
});

Deno.test("concurrent updateStatusFile() calls lose no increment", async () => {
  await using home = await tempCaoHome();
  await Promise.all(Array.from({ length: 25 }, () =>
    updateStatusFile(home, async (file) => {
      const status = statusOf(file, "a");
      const before = status.attempts;
      await new Promise((resolve) => setTimeout(resolve, 1));
      status.attempts = before + 1;
    })));
  assert.equal((await loadStatusFile(home)).accounts.a.attempts, 25);
});

Deno.test("a status file from a newer cao is refused, not rewritten; one of the wrong shape is moved aside", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true, mode: 0o700 });
  const newer = JSON.stringify({ schemaVersion: 9, accounts: {}, future: true });
  await Deno.writeTextFile(home.paths.status, newer);
  await assert.rejects(() => updateStatusFile(home, () => {}), /schema version 9 is newer/);
  assert.equal(await Deno.readTextFile(home.paths.status), newer);

  await Deno.writeTextFile(home.paths.status, JSON.stringify({ schemaVersion: 1, accounts: [1, 2] }));
  await updateStatusFile(home, (file) => recordAttempt(statusOf(file, "a"), NOW));
  assert.match(home.warnings.join("\n"), /accounts is not an object/);
  const kept = (await Array.fromAsync(Deno.readDir(home.paths.root))).find((e) =>
    e.name.startsWith("account_status.json.corrupt-")
  );
  assert.ok(kept, "the unusable file was kept aside");

  await Deno.writeTextFile(
    home.paths.status,
    JSON.stringify({ schemaVersion: 1, accounts: {}, note: "keep me" }),
  );
  await updateStatusFile(home, (file) => recordAttempt(statusOf(file, "a"), NOW));
  assert.equal(JSON.parse(await Deno.readTextFile(home.paths.status)).note, "keep me");
});

Deno.test("clearCooldown() records who cleared it and why; recordQuotaHit() keeps reason and source", () => {
  const status = emptyAccountStatus();
  recordQuotaHit(status, NOW, {
    resetsAt: new Date("2026-11-21T15:00:00Z"),
    message: "usage limit (usage_limit_reached)",
    source: "gateway (pid 1): usage_limit_reached from the upstream",
  });
  assert.equal(status.cooldownReason, "usage limit (usage_limit_reached)");
  assert.equal(status.cooldownSource, "gateway (pid 1): usage_limit_reached from the upstream");
  assert.equal(clearCooldown(status, { now: NOW, why: "by-hand", by: "cao cooldown clear" }), true);
  assert.deepEqual(status.cooldownCleared, {
    at: NOW.toISOString(),
    why: "by-hand",
    by: "cao cooldown clear",
    until: "2026-11-21T15:00:00.000Z",
  });
  assert.equal(status.cooldownReason, null);
  assert.equal(clearCooldown(status), false, "nothing to clear");
  const reparsed = parseAccountStatus(JSON.parse(JSON.stringify(status)));
  assert.deepEqual(reparsed.cooldownCleared, status.cooldownCleared);
  assert.equal(
    parseAccountStatus({ cooldownCleared: { at: NOW.toISOString(), why: "magic" } }).cooldownCleared,
    null,
  );
});

Deno.test("applyUsageReading() heals a cooldown when the windows show room, sets one when limited", () => {
  const at = (s: number) => Math.floor(NOW.getTime() / 1000) + s;
  const reading = (used: number, reset: number) => ({
    usage: {
      primary: { usedPercent: used, windowMinutes: 300, resetsAt: at(reset) },
      secondary: null,
      observedAt: NOW.toISOString(),
      source: "usage-endpoint",
    },
    limitReached: used >= 100,
  });
  const status = emptyAccountStatus();
  recordQuotaHit(status, NOW, { resetsAt: new Date(at(4 * 3600) * 1000) });
  assert.equal(applyUsageReading(status, reading(100, 4 * 3600), NOW, "probe"), "unchanged", "still limited");
  assert.notEqual(status.cooldownUntil, null);
  assert.equal(applyUsageReading(status, reading(30, 4 * 3600), NOW, "gateway (pid 9)"), "cleared");
  assert.equal(status.cooldownUntil, null);
  assert.equal(status.cooldownCleared?.why, "usage-room");
  assert.equal(status.cooldownCleared?.by, "gateway (pid 9)");
  assert.equal(status.usage?.primary?.usedPercent, 30, "the windows are recorded");
  assert.equal(applyUsageReading(status, reading(30, 4 * 3600), NOW, "x"), "unchanged");
  assert.equal(applyUsageReading(status, reading(100, 600), NOW, "cao status --refresh"), "set");
  assert.equal(status.cooldownUntil, new Date(at(600) * 1000).toISOString());
  assert.equal(status.cooldownSource, "cao status --refresh");
});

/** Epoch seconds `seconds` after NOW. */
const at = (seconds: number) => Math.floor(NOW.getTime() / 1000) + seconds;
const FIVE_HOUR_FULL = { usedPercent: 100, windowMinutes: 300, resetsAt: at(3600) };
const WEEKLY = { usedPercent: 70, windowMinutes: 10080, resetsAt: at(3 * 86_400) };

function withWeekly(): ReturnType<typeof emptyAccountStatus> {
  const status = emptyAccountStatus();
  status.usage = {
    primary: { usedPercent: 30, windowMinutes: 300, resetsAt: at(3600) },
    secondary: WEEKLY,
    observedAt: "2026-11-21T11:00:00.000Z",
    source: "headers",
  };
  return status;
}

Deno.test("recordQuotaHit() with only the 5-hour window keeps the weekly one an earlier reading gave", () => {
  const status = withWeekly();
  recordQuotaHit(status, NOW, {
    resetsAt: new Date(FIVE_HOUR_FULL.resetsAt * 1000),
    usage: { primary: FIVE_HOUR_FULL, secondary: null, observedAt: NOW.toISOString(), source: "headers" },
  });
  assert.deepEqual(status.usage, {
    primary: FIVE_HOUR_FULL,
    secondary: WEEKLY,
    observedAt: NOW.toISOString(),
    source: "headers",
  });
});

Deno.test("recordUsage() replaces only the windows a reading carries", () => {
  const status = withWeekly();
  recordUsage(status, { primary: null, secondary: null, observedAt: NOW.toISOString(), source: "rollout" });
  assert.equal(
    status.usage?.observedAt,
    "2026-11-21T11:00:00.000Z",
    "a reading without windows says nothing",
  );
  const weekly = { usedPercent: 71, windowMinutes: 10080, resetsAt: at(3 * 86_400) };
  recordUsage(status, { primary: null, secondary: weekly, observedAt: NOW.toISOString(), source: "rollout" });
  assert.deepEqual(status.usage?.primary, { usedPercent: 30, windowMinutes: 300, resetsAt: at(3600) });
  assert.deepEqual(status.usage?.secondary, weekly);
  assert.equal(status.usage?.source, "rollout");
});

Deno.test("mergeUsage() drops a window the reading lacks only when it has provably ended", () => {
  const reading = (primary: UsageWindow | null, secondary: UsageWindow | null): UsageSnapshot => ({
    primary,
    secondary,
    observedAt: NOW.toISOString(),
    source: "headers",
  });
  const earlier = (secondary: UsageWindow): UsageSnapshot => ({
    primary: null,
    secondary,
    observedAt: "2026-11-14T12:00:00.000Z",
    source: "usage-endpoint",
  });
  const fresh = reading(FIVE_HOUR_FULL, null);
  assert.deepEqual(mergeUsage(null, fresh), fresh);
  assert.deepEqual(mergeUsage(earlier(WEEKLY), fresh).secondary, WEEKLY, "its reset is ahead: kept");
  const reset = { ...WEEKLY, resetsAt: at(0) };
  assert.equal(mergeUsage(earlier(reset), fresh).secondary, null, "its reset time has come: dropped");
  const noReset = { usedPercent: 70, windowMinutes: 10080, resetsAt: null };
  assert.equal(
    mergeUsage(earlier(noReset), fresh).secondary,
    null,
    "no reset time, but a whole week since it was seen: dropped",
  );
  assert.deepEqual(
    mergeUsage({ ...earlier(noReset), observedAt: "2026-11-15T12:00:00.000Z" }, fresh).secondary,
    noReset,
    "less than a week: kept",
  );
  const unknown = { usedPercent: 70, windowMinutes: null, resetsAt: null };
  assert.deepEqual(mergeUsage(earlier(unknown), fresh).secondary, unknown, "nothing proves it ended: kept");
  const newer = { ...WEEKLY, usedPercent: 90 };
  assert.deepEqual(mergeUsage(earlier(reset), reading(null, newer)), {
    ...reading(null, newer),
    primary: null,
  });
  assert.deepEqual(
    mergeUsage(earlier(WEEKLY), reading(null, null)),
    earlier(WEEKLY),
    "a reading without windows",
  );
});
