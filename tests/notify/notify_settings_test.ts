import assert from "node:assert/strict";
import {
  DEFAULT_NOTIFY_SETTINGS,
  loadNotifySettings,
  parseNotifySettings,
  setNotifyKey,
  updateNotifySettings,
} from "../../src/notify/notify_settings.ts";
import { tempCaoHome } from "../support/temp_cao_home.ts";

Deno.test("parseNotifySettings() falls back per field and keeps good ones", () => {
  assert.deepEqual(parseNotifySettings(null), DEFAULT_NOTIFY_SETTINGS);
  const s = parseNotifySettings({
    enabled: false,
    desktop: "sometimes",
    webhook: { url: "ftp://x", format: "slack" },
    thresholds: { primary: [95, 50, 50, 300], secondary: "no" },
    events: { moved: false },
  });
  assert.equal(s.enabled, false);
  assert.equal(s.desktop, "auto");
  assert.equal(s.webhook, null, "not an http(s) URL");
  assert.deepEqual(s.thresholds, { primary: [50, 95], secondary: [80, 95] });
  assert.equal(s.events.moved, false);
  assert.equal(s.events["all-limited"], true);
});

Deno.test("setNotifyKey() parses every key and says what it expected", () => {
  const apply = (key: string, value: string) => {
    const change = setNotifyKey(key, value);
    assert.ok(typeof change !== "string" && change.kind === "settings", String(change));
    const settings = structuredClone(DEFAULT_NOTIFY_SETTINGS);
    change.apply(settings);
    return settings;
  };
  assert.equal(apply("desktop", "off").desktop, "off");
  assert.deepEqual(apply("webhook", "https://ntfy.sh/t").webhook, {
    url: "https://ntfy.sh/t",
    format: "auto",
  });
  assert.deepEqual(apply("thresholds.5h", "90, 50%").thresholds.primary, [50, 90]);
  assert.deepEqual(apply("thresholds.weekly", "off").thresholds.secondary, []);
  assert.equal(apply("events.usable-again", "off").events["usable-again"], false);
  assert.deepEqual(setNotifyKey("history-days", "14"), { kind: "history-days", days: 14 });
  assert.match(String(setNotifyKey("thresholds.5h", "abc")), /expected percents from 1 to 100/);
  assert.match(String(setNotifyKey("desktop", "maybe")), /expected auto, on or off/);
  assert.match(String(setNotifyKey("history-days", "0")), /expected a whole number of days/);
  assert.match(String(setNotifyKey("colour", "red")), /unknown key; the keys are desktop, webhook/);
});

Deno.test("updateNotifySettings() writes notify.json 0600 and keeps unknown fields", async () => {
  await using home = await tempCaoHome();
  await Deno.mkdir(home.paths.root, { recursive: true });
  await Deno.writeTextFile(home.paths.notifySettings, JSON.stringify({ future: 1, enabled: true }));
  await updateNotifySettings(home, (s) => void (s.enabled = false));
  const doc = JSON.parse(await Deno.readTextFile(home.paths.notifySettings));
  assert.equal(doc.future, 1);
  assert.equal(doc.enabled, false);
  assert.equal(doc.schemaVersion, 1);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(home.paths.notifySettings)).mode! & 0o777, 0o600);
  }
  assert.equal((await loadNotifySettings(home)).enabled, false);
});
