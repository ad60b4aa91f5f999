/**
 * The gateway feeds the usage history and the notifier: rate-limit headers become history samples (one per
 * account and minute, written in the background) and threshold notifications (80 % then 95 %: two, not one
 * per request), through a real `Notifier` and a fake `notify-send`.
 */

import assert from "node:assert/strict";
import { startHarness } from "./gateway_harness.ts";
import { Notifier } from "../../src/notify/notifier.ts";
import { updateNotifySettings } from "../../src/notify/notify_settings.ts";
import { loadUsageHistory } from "../../src/accounts/usage_history.ts";
import { readSamples } from "../../src/accounts/usage_samples.ts";
import { spawnProcess } from "../../src/codex/spawn.ts";
import { fakeNotifySend } from "../support/fake_notifier.ts";

Deno.test("gateway: 80% then 95% of the 5-hour window make two notifications; the history keeps the readings", async () => {
  await using fake = await fakeNotifySend();
  const resetAt = Math.floor(Date.now() / 1000) + 4 * 3600;
  const at = (usedPercent: number) => ({
    kind: "ok" as const,
    rateLimits: { primary: { usedPercent, windowMinutes: 300, resetAt } },
  });
  const percents = [50, 82, 85, 90, 96, 97, 99];
  const holder: { notifier?: Notifier } = {};
  await using h = await startHarness({
    mock: { responses: { acct_a: percents.map(at) } },
    notify: {
      emit: (e) => holder.notifier?.emit(e),
      observeUsage: (account, usage) => holder.notifier?.observeUsage(account, usage),
      flush: async () => await holder.notifier?.flush(),
    },
    historyFlushMs: 60_000,
  });
  await updateNotifySettings(h.home, (s) => void (s.desktop = "on"));
  holder.notifier = new Notifier({
    home: h.home,
    spawn: (command, o) => spawnProcess(command, { ...o, env: { ...o.env, PATH: fake.path } }),
    fetch,
    env: () => undefined,
    os: "linux",
    by: "gateway (test)",
    onError: (m) => assert.fail(m),
  });
  {
    for (let i = 0; i < percents.length; i++) {
      const r = await h.respond({ session: "s" });
      assert.equal(r.status, 200);
      await r.text();
    }
    await h.gateway.close();
    const titles = (await fake.calls()).map((args) => args[2]);
    assert.deepEqual(titles, [
      'cao: "a" at 82% of its 5-hour window',
      'cao: "a" at 96% of its 5-hour window',
    ]);
    assert.equal(h.gateway.history.writes, 1, "one background write for the whole burst");
    const samples = readSamples(await loadUsageHistory(h.home), { account: "a", window: "primary" });
    assert.ok(samples.length <= 2, `one sample per minute (${samples.length})`);
    assert.equal(samples.at(-1)?.usedPercent, 99, "the minute's last reading");
    assert.equal(samples.at(-1)?.source, "headers");
  }
});
