import assert from "node:assert/strict";
import { Notifier, type NotifierOptions } from "../../src/notify/notifier.ts";
import { loadNotifyLog } from "../../src/notify/notify_log.ts";
import { updateNotifySettings } from "../../src/notify/notify_settings.ts";
import { spawnProcess } from "../../src/codex/spawn.ts";
import { fakeNotifySend, startWebhookReceiver } from "../support/fake_notifier.ts";
import { tempCaoHome, type TestCaoHome } from "../support/temp_cao_home.ts";

function options(home: TestCaoHome, path: string, by: string): NotifierOptions {
  return {
    home,
    spawn: (command, o) => spawnProcess(command, { ...o, env: { ...o.env, PATH: path } }),
    fetch,
    env: () => undefined,
    os: "linux",
    by,
    onError: (message) => assert.fail(message),
  };
}

function usage(home: TestCaoHome, percent: number) {
  const now = home.now();
  return {
    primary: { usedPercent: percent, windowMinutes: 300, resetsAt: Math.floor(now.getTime() / 1000) + 3600 },
    secondary: null,
    observedAt: now.toISOString(),
    source: "headers",
  };
}

Deno.test("Notifier: one event seen by two processes is notified once", async () => {
  await using home = await tempCaoHome();
  await using fake = await fakeNotifySend();
  await using receiver = await startWebhookReceiver();
  await updateNotifySettings(home, (s) => {
    s.desktop = "on";
    s.webhook = { url: `${receiver.url}/hook`, format: "json" };
  });
  const gateway = new Notifier(options(home, fake.path, "gateway (pid 1)"));
  const run = new Notifier(options(home, fake.path, "cao run (pid 2)"));
  const until = Math.floor(home.now().getTime() / 1000) + 3600;
  for (let i = 0; i < 10; i++) {
    gateway.emit({ kind: "moved", from: "a", to: "b", via: "gateway", fromUntil: until });
    run.emit({ kind: "moved", from: "a", to: "b", via: "run", fromUntil: until + 30 });
  }
  await Promise.all([gateway.flush(), run.flush()]);
  assert.equal((await fake.calls()).length, 1, "one desktop notification");
  assert.equal(receiver.received.length, 1, "one webhook call");
  assert.equal(gateway.delivered + run.delivered, 1);
  const log = await loadNotifyLog(home);
  assert.equal(log.sent.length, 1);
  assert.deepEqual(log.sent[0].channels, { desktop: "sent", webhook: "sent" });
  assert.equal(log.channels.desktop?.state, "ok");
});

Deno.test("Notifier: crossing 80% then 95% gives two notifications, not one per reading", async () => {
  await using home = await tempCaoHome();
  await using fake = await fakeNotifySend();
  await updateNotifySettings(home, (s) => void (s.desktop = "on"));
  const notifier = new Notifier(options(home, fake.path, "gateway (pid 1)"));
  for (const percent of [50, 60, 79, 80, 81, 85, 90]) notifier.observeUsage("a", usage(home, percent));
  await notifier.flush();
  for (const percent of [91, 94, 95, 96, 99, 99, 99]) notifier.observeUsage("a", usage(home, percent));
  await notifier.flush();
  const titles = (await fake.calls()).map((args) => args[2]);
  assert.deepEqual(titles, ['cao: "a" at 80% of its 5-hour window', 'cao: "a" at 95% of its 5-hour window']);

  const other = new Notifier(options(home, fake.path, "cao run (pid 3)"));
  other.observeUsage("a", usage(home, 97));
  await other.flush();
  assert.equal((await fake.calls()).length, 2, "another process does not repeat it");
});

Deno.test("Notifier: off, a disabled kind, and a missing notifier", async () => {
  await using home = await tempCaoHome();
  await using fake = await fakeNotifySend();
  await updateNotifySettings(home, (s) => {
    s.desktop = "on";
    s.events["all-limited"] = false;
  });
  const notifier = new Notifier({ ...options(home, fake.path, "x"), settingsTtlMs: 0 });
  notifier.emit({ kind: "all-limited", account: "a", at: 1 });
  await notifier.flush();
  await updateNotifySettings(home, (s) => void (s.enabled = false));
  notifier.emit({ kind: "needs-login", account: "a", reason: "refused" });
  await notifier.flush();
  assert.deepEqual(await fake.calls(), []);

  await updateNotifySettings(home, (s) => void (s.enabled = true));
  const nowhere = new Notifier({ ...options(home, "/nonexistent", "y"), settingsTtlMs: 0 });
  nowhere.emit({ kind: "needs-login", account: "b", reason: "refused" });
  await nowhere.flush();
  const log = await loadNotifyLog(home);
  assert.equal(log.channels.desktop?.state, "missing");
  assert.equal(log.channels.desktop?.lastError, "notify-send not found");
  assert.deepEqual(log.sent.map((e) => e.key), ["needs-login:b"]);
});
