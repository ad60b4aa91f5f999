/** `cao notify`: settings, the test notification through real channels, and the doctor's word on them. */
import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess, runCaoProcess } from "../support/run_cao.ts";
import { fakeNotifySend, startWebhookReceiver } from "../support/fake_notifier.ts";

Deno.test("cao notify status shows the defaults; set changes them; bad values are refused", async () => {
  await using home = await makeTempHome();
  const shown = await runCaoInProcess(home, ["notify"]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^notifications\s+on$/m);
  assert.match(shown.stdout, /^thresholds\s+5-hour 80%, 95%; weekly 80%, 95%$/m);
  assert.match(shown.stdout, /^history\s+kept 30 days$/m);

  for (
    const [key, value] of [
      ["thresholds.5h", "70,90"],
      ["webhook", "https://hooks.slack.com/services/T0/B0/secret"],
      ["events.threshold", "off"],
      ["history-days", "7"],
    ]
  ) {
    const set = await runCaoInProcess(home, ["notify", "set", key, value]);
    assert.equal(set.code, 0, set.stderr);
  }
  const json = JSON.parse((await runCaoInProcess(home, ["notify", "status", "--json"])).stdout);
  assert.deepEqual(json.thresholds, { fiveHour: [70, 90], weekly: [80, 95] });
  assert.deepEqual(json.webhook, {
    url: "https://hooks.slack.com/…",
    format: "auto",
    sentAs: "slack",
    health: null,
  });
  assert.equal(json.events.threshold, false);
  assert.equal(json.historyDays, 7);
  const text = await runCaoInProcess(home, ["notify"]);
  assert.ok(!text.stdout.includes("secret"), "the webhook URL's path is never shown");

  const bad = await runCaoInProcess(home, ["notify", "set", "thresholds.weekly", "lots"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Cannot set "thresholds.weekly" to "lots": expected percents from 1 to 100/);
  const off = await runCaoInProcess(home, ["notify", "off", "--json"]);
  assert.equal(JSON.parse(off.stdout).enabled, false);
});

Deno.test("cao notify test reaches the fake notify-send and a loopback webhook; a failing channel shows in the doctor once", async () => {
  await using home = await makeTempHome();
  await using fake = await fakeNotifySend();
  await using receiver = await startWebhookReceiver();
  await runCaoInProcess(home, ["notify", "set", "webhook", `${receiver.url}/hook`]);
  const sent = await runCaoProcess(home, ["notify", "test"], { env: { PATH: fake.path, DISPLAY: ":0" } });
  assert.equal(sent.code, 0, sent.stderr);
  assert.match(sent.stdout, /^desktop: sent$/m);
  assert.match(sent.stdout, /^webhook: sent$/m);
  assert.deepEqual(await fake.calls(), [[
    "--app-name=cao",
    "--",
    "cao: test notification",
    "If you can read this, cao can reach you here.",
  ]]);
  assert.equal(receiver.received.length, 1);
  assert.equal((receiver.received[0].body as { title: string }).title, "cao: test notification");

  receiver.status = 503;
  await runCaoInProcess(home, ["notify", "set", "desktop", "on"]);
  for (let i = 0; i < 2; i++) {
    const failed = await runCaoProcess(home, ["notify", "test", "--json"], { env: { PATH: "/nonexistent" } });
    assert.equal(failed.code, 1, "nothing was sent");
    const results = JSON.parse(failed.stdout).results;
    assert.deepEqual(results.map((r: { outcome: string }) => r.outcome), ["missing", "failed"]);
  }
  const doctor = await runCaoInProcess(home, ["doctor", "--json"]);
  const findings = JSON.parse(doctor.stdout).findings.filter((f: { check: string }) =>
    f.check.startsWith("notify")
  );
  assert.deepEqual(findings.map((f: { check: string }) => f.check), ["notify-desktop", "notify-webhook"]);
  assert.match(findings[1].message, /answered 503; 2 in a row/);
  await runCaoInProcess(home, ["notify", "set", "webhook", "off"]);
  await runCaoInProcess(home, ["notify", "set", "desktop", "off"]);
  const quiet = await runCaoInProcess(home, ["doctor", "--json"]);
  assert.equal(
    JSON.parse(quiet.stdout).findings.some((f: { check: string }) => f.check.startsWith("notify")),
    false,
    "a channel turned off is no longer reported",
  );
});
