import assert from "node:assert/strict";
import { desktopCommand, hasDesktopSession, sendDesktop } from "../../src/notify/desktop.ts";
import { concreteFormat, postWebhook, webhookLabel, webhookRequest } from "../../src/notify/webhook.ts";
import { type SpawnFn, spawnProcess } from "../../src/codex/spawn.ts";
import { fakeNotifySend, startWebhookReceiver } from "../support/fake_notifier.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
const MESSAGE = { title: 'cao: "a" is usable again', body: "It's back; $(rm -rf /) `x`" };

Deno.test("desktopCommand() passes the text as arguments or environment, never inside a script", () => {
  assert.deepEqual(desktopCommand("linux", MESSAGE), {
    command: "notify-send",
    args: ["--app-name=cao", "--", MESSAGE.title, MESSAGE.body],
  });
  const mac = desktopCommand("darwin", MESSAGE);
  assert.equal(mac.command, "osascript");
  assert.deepEqual(mac.args.slice(-2), [MESSAGE.title, MESSAGE.body]);
  assert.ok(!mac.args.slice(0, -2).join(" ").includes("usable again"));
  const windows = desktopCommand("windows", MESSAGE);
  assert.equal(windows.command, "powershell");
  assert.deepEqual(windows.env, { CAO_NOTIFY_TITLE: MESSAGE.title, CAO_NOTIFY_BODY: MESSAGE.body });
  assert.ok(!windows.args.join(" ").includes("usable again"));
  assert.equal(hasDesktopSession("linux", () => undefined), false);
  assert.equal(hasDesktopSession("linux", (n) => n === "WAYLAND_DISPLAY" ? "wayland-0" : undefined), true);
  assert.equal(hasDesktopSession("darwin", () => undefined), true);
});

function spawnWithPath(path: string): SpawnFn {
  return (command, options) => spawnProcess(command, { ...options, env: { ...options.env, PATH: path } });
}

Deno.test("sendDesktop() runs notify-send with the message; a missing or failing one is reported", async () => {
  await using fake = await fakeNotifySend();
  const sent = await sendDesktop(spawnWithPath(fake.path), desktopCommand("linux", MESSAGE));
  assert.deepEqual(sent, { channel: "desktop", outcome: "sent" });
  assert.deepEqual(await fake.calls(), [["--app-name=cao", "--", MESSAGE.title, MESSAGE.body]]);

  const missing = await sendDesktop(spawnWithPath("/nonexistent"), desktopCommand("linux", MESSAGE));
  assert.deepEqual(missing, { channel: "desktop", outcome: "missing", error: "notify-send not found" });

  await using failing = await fakeNotifySend(3);
  const failed = await sendDesktop(spawnWithPath(failing.path), desktopCommand("linux", MESSAGE));
  assert.equal(failed.outcome, "failed");
  assert.match(failed.error!, /exited with 3: fake notify-send failed/);
});

Deno.test("webhookRequest(): ntfy, Slack, Discord and cao's own JSON", () => {
  assert.equal(concreteFormat("https://ntfy.sh/my-topic", "auto"), "ntfy");
  assert.equal(concreteFormat("https://hooks.slack.com/services/T/B/x", "auto"), "slack");
  assert.equal(concreteFormat("https://discord.com/api/webhooks/1/abc", "auto"), "discord");
  assert.equal(concreteFormat("https://example.com/hook", "auto"), "json");
  assert.equal(concreteFormat("https://example.com/hook", "slack"), "slack");

  const ntfy = webhookRequest("https://ntfy.example.org/alerts/cao-topic", "ntfy", MESSAGE, null, NOW);
  assert.equal(ntfy.url, "https://ntfy.example.org/alerts");
  assert.deepEqual(JSON.parse(ntfy.body), {
    topic: "cao-topic",
    title: MESSAGE.title,
    message: MESSAGE.body,
    tags: ["bell"],
    priority: 3,
  });
  const slack = webhookRequest("https://hooks.slack.com/services/T/B/x", "auto", MESSAGE, null, NOW);
  assert.deepEqual(JSON.parse(slack.body), { text: `*${MESSAGE.title}*\n${MESSAGE.body}` });
  const discord = webhookRequest("https://discord.com/api/webhooks/1/abc", "auto", MESSAGE, null, NOW);
  assert.deepEqual(JSON.parse(discord.body), {
    username: "cao",
    content: `**${MESSAGE.title}**\n${MESSAGE.body}`,
  });
  const event = { kind: "all-limited" as const, account: "b", at: 1 };
  const json = JSON.parse(webhookRequest("http://127.0.0.1:1/x", "json", MESSAGE, event, NOW).body);
  assert.deepEqual(json, {
    source: "cao",
    kind: "all-limited",
    title: MESSAGE.title,
    message: MESSAGE.body,
    at: NOW.toISOString(),
    event,
  });
  assert.equal(webhookLabel("https://hooks.slack.com/services/T/B/secret"), "https://hooks.slack.com/…");
});

Deno.test("postWebhook() reports a 2xx as sent, anything else as failed, without the URL's path", async () => {
  await using receiver = await startWebhookReceiver();
  const request = webhookRequest(`${receiver.url}/hook/secret-part`, "json", MESSAGE, null, NOW);
  assert.deepEqual(await postWebhook(fetch, request), { channel: "webhook", outcome: "sent" });
  assert.equal(receiver.received.length, 1);
  assert.equal((receiver.received[0].body as { title: string }).title, MESSAGE.title);
  receiver.status = 500;
  const failed = await postWebhook(fetch, request);
  assert.equal(failed.outcome, "failed");
  assert.equal(failed.error, `${receiver.url}/… answered 500`);
  await receiver.close();
  const unreachable = await postWebhook(fetch, request);
  assert.equal(unreachable.outcome, "failed");
  assert.ok(!unreachable.error!.includes("secret-part"), unreachable.error);
});
