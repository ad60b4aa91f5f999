/** `cao cooldown`: list cooldowns with their reason and source, clear them by hand. */
import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess, type TempHome } from "../support/run_cao.ts";
import {
  cooldownEntries,
  cooldownFacts,
  describeCooldown,
  renderCooldowns,
} from "../../src/status/cooldown_view.ts";
import { emptyAccountStatus, parseStatusFile } from "../../src/accounts/status_store.ts";
import { recordSuccess } from "../../src/accounts/status_events.ts";
import { CLEAR_BY } from "../../src/cli/cooldown.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
const UNTIL = "2026-11-21T15:00:00.000Z";

/** A home with accounts `names` (not logged in) and these statuses in account_status.json. */
async function homeWith(
  names: string[],
  accounts: Record<string, Record<string, unknown>>,
): Promise<TempHome> {
  const home = await makeTempHome();
  for (const name of names) {
    const added = await runCaoInProcess(home, ["add", name, "--no-login"], { now: NOW });
    assert.equal(added.code, 0, added.stderr);
  }
  await Deno.writeTextFile(
    `${home.caoHome}/account_status.json`,
    JSON.stringify({ schemaVersion: 1, accounts }),
  );
  return home;
}

function homeWithCooldown(): Promise<TempHome> {
  return homeWith(["a", "b"], {
    a: {
      cooldownUntil: UNTIL,
      cooldownReason: "usage limit (usage_limit_reached)",
      cooldownSource: "gateway (pid 7): usage_limit_reached from the upstream",
    },
  });
}

Deno.test("cao cooldown lists every account's cooldown with its reason and source", async () => {
  await using home = await homeWithCooldown();
  const text = await runCaoInProcess(home, ["cooldown"], { now: NOW });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^a\s+cooling down until 2026-11-21T15:00:00\.000Z \(in 3h\); usage limit/m);
  assert.match(text.stdout, /set by gateway \(pid 7\): usage_limit_reached from the upstream/);
  assert.match(text.stdout, /^b\s+not cooling down$/m);

  const json = await runCaoInProcess(home, ["cooldown", "list", "--json"], { now: NOW });
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.deepEqual(doc.accounts.map((a: { name: string; cooling: boolean }) => [a.name, a.cooling]), [
    ["a", true],
    ["b", false],
  ]);
  assert.equal(doc.accounts[0].remainingSeconds, 3 * 3600);
  assert.equal(doc.accounts[0].source, "gateway (pid 7): usage_limit_reached from the upstream");
});

Deno.test("cao cooldown clear <name> records who cleared it; --all and bad input", async () => {
  await using home = await homeWithCooldown();
  const cleared = await runCaoInProcess(home, ["cooldown", "clear", "a"], { now: NOW });
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stdout, /a: cooldown cleared/);
  const status = JSON.parse(await Deno.readTextFile(`${home.caoHome}/account_status.json`)).accounts.a;
  assert.equal(status.cooldownUntil, null);
  assert.deepEqual(status.cooldownCleared, {
    at: NOW.toISOString(),
    why: "by-hand",
    by: "cao cooldown clear",
    until: UNTIL,
  });
  const list = await runCaoInProcess(home, ["cooldown"], { now: NOW });
  assert.match(
    list.stdout,
    /^a\s+not cooling down; last one cleared .* by cao cooldown clear: cleared by hand$/m,
  );

  const again = await runCaoInProcess(home, ["cooldown", "clear", "--all", "--json"], { now: NOW });
  assert.deepEqual(JSON.parse(again.stdout), { schemaVersion: 1, cleared: [], notCooling: ["a", "b"] });

  const unknown = await runCaoInProcess(home, ["cooldown", "clear", "nobody"], { now: NOW });
  assert.equal(unknown.code, 2);
  const neither = await runCaoInProcess(home, ["cooldown", "clear"], { now: NOW });
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /Cannot clear a cooldown: name an account or pass --all/);
});

Deno.test("renderCooldowns() ignores an expired cooldown", () => {
  const entries = cooldownEntries(["x"], {
    x: { ...emptyAccountStatus(), cooldownUntil: "2026-11-21T11:00:00Z" },
  }, NOW);
  assert.equal(entries[0].cooling, false);
  assert.deepEqual(renderCooldowns(entries, NOW), ["x  not cooling down"]);
});

Deno.test("a success after the reset ends the cooldown: cooldown list and status --json say how", async () => {
  await using home = await homeWithCooldown();
  const path = `${home.caoHome}/account_status.json`;
  const file = parseStatusFile(JSON.parse(await Deno.readTextFile(path)));
  const a = file.accounts.a;
  a.cooldownCleared = {
    at: "2026-11-19T08:00:00.000Z",
    why: "by-hand",
    by: CLEAR_BY,
    until: "2026-11-19T09:00:00Z",
  };
  const later = new Date("2026-11-21T15:00:05Z");
  recordSuccess(a, later, "gateway (pid 9)");
  await Deno.writeTextFile(path, JSON.stringify(file));

  const answered = { at: later.toISOString(), why: "answered", by: "gateway (pid 9)", until: UNTIL };
  const list = JSON.parse(
    (await runCaoInProcess(home, ["cooldown", "list", "--json"], { now: later })).stdout,
  );
  assert.deepEqual(
    { ...list.accounts[0], lastCleared: { ...list.accounts[0].lastCleared, atEpoch: undefined } },
    {
      name: "a",
      cooling: false,
      until: null,
      untilEpoch: null,
      remainingSeconds: null,
      reason: null,
      source: null,
      lastCleared: { ...answered, atEpoch: undefined },
    },
  );
  const text = await runCaoInProcess(home, ["cooldown"], { now: new Date(later.getTime() + 60_000) });
  assert.match(
    text.stdout,
    /^a\s+not cooling down; last one cleared 2026-11-21T15:00:05\.000Z \(1m ago\) by gateway \(pid 9\): it answered again after its reset passed$/m,
  );

  const status = await runCaoInProcess(home, ["status", "--json"], { now: later });
  assert.equal(status.code, 0, status.stderr);
  const account = JSON.parse(status.stdout).accounts.find((x: { name: string }) => x.name === "a");
  assert.deepEqual(
    [account.cooldownUntil, account.cooldownReason, account.cooldownSource],
    [null, null, null],
  );
  assert.deepEqual(account.cooldownCleared, { ...answered, atEpoch: Math.floor(later.getTime() / 1000) });
  const onDisk = JSON.parse(await Deno.readTextFile(path)).accounts.a;
  assert.deepEqual([onDisk.cooldownReason, onDisk.cooldownSource], [null, null]);
});

Deno.test("cao cooldown and cao status say the same of every cooldown, as text and as JSON", async () => {
  await using home = await homeWith(["a", "b", "c"], {
    a: {
      cooldownUntil: UNTIL,
      cooldownReason: "usage limit (usage_limit_reached)",
      cooldownSource: "cao run",
    },
    b: { cooldownUntil: UNTIL, needsRelogin: true, needsReloginReason: "refresh_token_reused" },
    c: { cooldownCleared: { at: "2026-11-21T11:00:00.000Z", why: "by-hand", by: CLEAR_BY, until: UNTIL } },
  });
  const list = JSON.parse((await runCaoInProcess(home, ["cooldown", "--json"], { now: NOW })).stdout);
  const status = JSON.parse((await runCaoInProcess(home, ["status", "--json"], { now: NOW })).stdout);
  for (const [i, entry] of list.accounts.entries()) {
    const s = status.accounts[i];
    assert.deepEqual(
      {
        until: s.cooldownUntil,
        untilEpoch: s.cooldownUntilEpoch,
        remainingSeconds: s.cooldownRemainingSeconds,
        reason: s.cooldownReason,
        source: s.cooldownSource,
        lastCleared: s.cooldownCleared,
      },
      {
        until: entry.until,
        untilEpoch: entry.untilEpoch,
        remainingSeconds: entry.remainingSeconds,
        reason: entry.reason,
        source: entry.source,
        lastCleared: entry.lastCleared,
      },
      entry.name,
    );
  }
  assert.equal(list.accounts[1].cooling, true, "a cooldown is shown whatever the login");
  assert.equal(list.accounts[2].lastCleared.atEpoch, Date.parse("2026-11-21T11:00:00.000Z") / 1000);

  const text = (await runCaoInProcess(home, ["cooldown"], { now: NOW })).stdout.trimEnd().split("\n");
  const full = (await runCaoInProcess(home, ["status", "--full"], { now: NOW })).stdout.split("\n")
    .filter((line) => /^\s+cooldown\s/.test(line));
  assert.equal(full.length, 3);
  for (const [i, line] of text.entries()) {
    assert.equal(full[i].replace(/^\s+cooldown\s+/, ""), line.replace(/^\S+\s+/, ""));
  }
  assert.match(
    text[0],
    /cooling down until 2026-11-21T15:00:00\.000Z \(in 3h\); usage limit .*; set by cao run$/,
  );
});

Deno.test("cooldownFacts() and describeCooldown() say a cooldown once, from literal statuses", () => {
  const cooling = {
    ...emptyAccountStatus(),
    cooldownUntil: UNTIL,
    cooldownReason: "usage limit (usage_limit_reached)",
    cooldownSource: "gateway (pid 7): usage_limit_reached from the upstream",
  };
  const facts = cooldownFacts(cooling, NOW);
  assert.deepEqual(facts, {
    cooling: true,
    until: UNTIL,
    untilEpoch: Date.parse(UNTIL) / 1000,
    remainingSeconds: 3 * 3600,
    reason: "usage limit (usage_limit_reached)",
    source: "gateway (pid 7): usage_limit_reached from the upstream",
    lastCleared: null,
  });
  assert.equal(
    describeCooldown(facts, NOW),
    "cooling down until 2026-11-21T15:00:00.000Z (in 3h); usage limit (usage_limit_reached); " +
      "set by gateway (pid 7): usage_limit_reached from the upstream",
  );
  assert.equal(
    describeCooldown(cooldownFacts({ ...emptyAccountStatus(), cooldownUntil: UNTIL }, NOW), NOW),
    "cooling down until 2026-11-21T15:00:00.000Z (in 3h); reason unknown",
  );

  const ended = cooldownFacts(cooling, new Date("2026-11-21T15:00:00Z"));
  assert.deepEqual(
    [ended.cooling, ended.until, ended.untilEpoch, ended.remainingSeconds, ended.reason, ended.source],
    [false, null, null, null, null, null],
    "a cooldown whose end has come reads as none",
  );
  assert.equal(describeCooldown(ended, NOW), "not cooling down");

  const cleared = cooldownFacts({
    ...emptyAccountStatus(),
    cooldownCleared: {
      at: "2026-11-21T11:55:00.000Z",
      why: "usage-room",
      by: "gateway (pid 7)",
      until: UNTIL,
    },
  }, NOW);
  assert.deepEqual(cleared.lastCleared, {
    at: "2026-11-21T11:55:00.000Z",
    atEpoch: Date.parse("2026-11-21T11:55:00.000Z") / 1000,
    why: "usage-room",
    by: "gateway (pid 7)",
    until: UNTIL,
  });
  assert.equal(
    describeCooldown(cleared, NOW),
    "not cooling down; last one cleared 2026-11-21T11:55:00.000Z (5m ago) by gateway (pid 7): " +
      "the usage endpoint showed room again",
  );
});
