/**
 * `cao dashboard` in a real headless Chromium, against the real processes on a temp home: `cao dashboard`'s
 * own server first (the page lists the accounts, the bars are as wide as the recorded percentages, each chart
 * has one series per window, a request without the session is refused), then a real `cao gateway start`
 * records a cooldown when the real Codex CLI hits a usage limit through it, and the open page shows it by
 * itself, then the switch to the next account (read from the gateway's usage history); a second
 * `cao dashboard` is served by the gateway. Screenshots (wide and light, narrow and dark)
 * are kept under `$CAO_TEST_ARTIFACTS` (default `tests/artifacts/`). Without Chromium the test is skipped
 * loudly, and fails on CI.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { gatewayCodexArgs } from "../../src/gateway/client.ts";
import { type Browser, browserSkipReason, launchChromium, type Page } from "../support/chromium.ts";
import { codexAvailable, runCodex } from "../support/codex_bin.ts";
import { makeCodexHome } from "../support/codex_home.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { caoChild, makeTempHome, runCaoProcess, type TempHome } from "../support/run_cao.ts";
import { waitFor, within } from "../support/wait.ts";
import { at, status, writeAccount, writeRegistry, writeStatuses } from "../status/status_fixture.ts";

const skipped = await browserSkipReason() ?? (await codexAvailable() ? null : "no Codex CLI");

/** Where screenshots go. */
const ARTIFACTS = Deno.env.get("CAO_TEST_ARTIFACTS") ??
  fileURLToPath(new URL("../artifacts/", import.meta.url));

/** The fixture's times, moved to the real clock (the processes under test read the real one). */
const shift = Math.floor(Date.now() / 1000) - at(0);
const t = (seconds: number) => at(seconds) + shift;
const isoAt = (seconds: number) => new Date(t(seconds) * 1000).toISOString();

const RECORDED = {
  work: { fiveHour: 40, weekly: 12 },
  spare: { fiveHour: 65, weekly: 30 },
};

async function writeHome(home: TempHome): Promise<void> {
  const cao = home.caoHome;
  await writeRegistry(cao, ["work", "spare", "old"]);
  await writeAccount(cao, "work", { email: "alice@example.com", accountId: "acct_work" });
  await writeAccount(cao, "spare", { email: "bob@example.com", accountId: "acct_spare", plan: "pro" });
  await writeAccount(cao, "old", { email: "carol@example.com", accountId: "acct_old" });
  const usage = (name: keyof typeof RECORDED) => ({
    primary: { usedPercent: RECORDED[name].fiveHour, windowMinutes: 300, resetsAt: t(2 * 3600) },
    secondary: { usedPercent: RECORDED[name].weekly, windowMinutes: 10080, resetsAt: t(4 * 86400) },
    observedAt: isoAt(-120),
    source: "headers",
  });
  await writeStatuses(cao, {
    work: status({ lastSuccessAt: isoAt(-120), usage: usage("work") }),
    spare: status({ lastSuccessAt: isoAt(-3600), usage: usage("spare") }),
    old: status({ needsRelogin: true, needsReloginReason: "the refresh token was already used" }),
  });
  const samples = (
    from: number,
    to: number,
    level: (s: number) => number,
    resetsIn: number,
    minutes: number,
  ) => {
    const out = [];
    for (let s = from; s <= to; s += 600) {
      out.push({
        at: t(s),
        usedPercent: level(s),
        windowMinutes: minutes,
        resetsAt: t(resetsIn),
        source: "headers",
      });
    }
    return out;
  };
  const history = {
    schemaVersion: 1,
    retentionDays: 30,
    accounts: {
      work: {
        primary: samples(-3 * 3600, -120, (s) => Math.round(40 * (s + 3 * 3600) / (3 * 3600)), 2 * 3600, 300),
        secondary: samples(
          -20 * 3600,
          -120,
          (s) => Math.round(12 * (s + 20 * 3600) / (20 * 3600)),
          4 * 86400,
          10080,
        ),
      },
      spare: {
        primary: samples(
          -8 * 3600,
          -3600,
          (s) => Math.round(65 * (s + 8 * 3600) / (7 * 3600)),
          2 * 3600,
          300,
        ),
        secondary: samples(-8 * 3600, -3600, () => 30, 4 * 86400, 10080),
      },
    },
  };
  await Deno.writeTextFile(`${cao}/usage_history.json`, JSON.stringify(history), { mode: 0o600 });
}

/** Reads a child's stdout until it holds one whole JSON document; returns it and the rest of the reader. */
async function readJson(child: Deno.ChildProcess): Promise<{ doc: Record<string, unknown>; text: string }> {
  const reader = child.stdout.getReader();
  let text = "";
  try {
    return await within(
      (async () => {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) throw new Error(`cao dashboard ended before its JSON:\n${text}`);
          text += new TextDecoder().decode(chunk.value);
          const end = text.indexOf("\n}\n");
          if (end >= 0) return { doc: JSON.parse(text.slice(0, end + 2)), text };
        }
      })(),
      60_000,
      "cao dashboard to print its JSON",
    );
  } finally {
    reader.releaseLock();
  }
}

async function windowWidths(page: Page): Promise<Record<string, Record<string, number>>> {
  return await page.evaluate(`(() => {
    const out = {};
    for (const row of document.querySelectorAll("tr.account")) {
      const widths = {};
      for (const cell of row.querySelectorAll("td.window")) {
        widths[cell.dataset.window] = Number(cell.querySelector("rect.fill").getAttribute("width"));
      }
      out[row.dataset.account] = widths;
    }
    return out;
  })()`);
}

async function rowState(page: Page, account: string): Promise<string | null> {
  return await page.evaluate(
    `document.querySelector('tr.account[data-account="${account}"]')?.dataset.state ?? null`,
  );
}

async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS.replace(/\/$/, "")}/${name}`;
  await Deno.writeFile(path, await page.screenshot(true));
  return path;
}

Deno.test({
  name: "cao dashboard in Chromium: accounts, bars, charts, refusal, a live cooldown from the real gateway" +
    (skipped ? ` [SKIPPED: ${skipped}]` : ""),
  ignore: skipped !== null,
  async fn() {
    await using home = await makeTempHome();
    await writeHome(home);
    const weekly = (used: number) => ({
      "x-codex-secondary-used-percent": String(used),
      "x-codex-secondary-window-minutes": "10080",
      "x-codex-secondary-reset-at": String(t(4 * 86400)),
    });
    await using mock = await startMockUpstream({
      responses: {
        acct_work: { kind: "usage_limit", resetsAt: t(2 * 3600), headers: weekly(RECORDED.work.weekly) },
        acct_spare: {
          kind: "ok",
          rateLimits: { primary: { usedPercent: 66, windowMinutes: 300, resetAt: t(2 * 3600) } },
          headers: weekly(RECORDED.spare.weekly),
        },
      },
    });
    await using user = await makeCodexHome({ auth: null });
    const own = caoChild(home, ["dashboard", "--no-open", "--json", "--port", "0"]);
    let gatewayStarted = false;
    try {
      const { doc } = await readJson(own);
      assert.equal(doc.servedBy, "cao dashboard");
      const url = doc.url as string;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/d\/\?t=[0-9a-f]{64}$/);
      const readKey = JSON.parse(await Deno.readTextFile(`${home.caoHome}/dashboard.json`)).readKey as string;
      assert.equal(url.includes(readKey), false, "the URL carries a ticket, not the read key");

      await using browser: Browser = await launchChromium();
      const page = await browser.newPage();
      await page.setViewport(1280, 900);
      await page.goto(url);
      assert.equal(await page.evaluate("location.pathname + location.search"), "/d/", "the ticket is gone");
      assert.deepEqual(
        await page.evaluate(`[...document.querySelectorAll("tr.account")].map((r) => r.dataset.account)`),
        ["work", "spare", "old"],
      );
      assert.deepEqual(await windowWidths(page), {
        work: { primary: RECORDED.work.fiveHour, secondary: RECORDED.work.weekly },
        spare: { primary: RECORDED.spare.fiveHour, secondary: RECORDED.spare.weekly },
        old: { primary: 0, secondary: 0 },
      }, "the bars are as wide as the recorded percentages");
      assert.deepEqual(
        await page.evaluate(`[...document.querySelectorAll("figure.chart-card")].map((f) =>
          [f.dataset.account, [...f.querySelectorAll("path.series")].map((p) => p.dataset.window).sort()])`),
        [["work", ["primary", "secondary"]], ["spare", ["primary", "secondary"]], ["old", []]],
        "one series per window of each account with readings",
      );
      assert.equal(await rowState(page, "old"), "needs-relogin");
      assert.match(await page.evaluate<string>("document.body.innerText"), /cao add old/);
      await waitFor(
        async () => await page.evaluate(`document.getElementById("live").dataset.state`) === "live",
        {
          what: "the page to go live",
          timeoutMs: 20_000,
        },
      );
      const html = await page.evaluate<string>("document.documentElement.outerHTML");
      assert.equal(html.includes(readKey), false);
      assert.doesNotMatch(html, /rt_acct_|sk-cao-/, "no token or key in the page");

      const origin = new URL(url).origin;
      const refused = await fetch(`${origin}/d/`);
      assert.equal(refused.status, 403, "no session, no page");
      await refused.body?.cancel();
      const reused = await fetch(url, { redirect: "manual" });
      assert.equal(reused.status, 403, "the ticket worked once");
      await reused.body?.cancel();
      const stream = await fetch(`${origin}/d/events`);
      assert.equal(stream.status, 403);
      await stream.body?.cancel();

      const started = await runCaoProcess(home, [
        "gateway",
        "start",
        "--port",
        "0",
        "--upstream",
        mock.url,
        "--detach",
      ], { env: { CAO_HISTORY_FLUSH_SECONDS: "1" } });
      assert.equal(started.code, 0, started.stderr);
      gatewayStarted = true;
      const gatewayUrl = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout)![1];
      const proxyKey = JSON.parse(await Deno.readTextFile(`${home.caoHome}/gateway.json`)).proxyKey as string;
      const run = await runCodex([
        ...gatewayCodexArgs(gatewayUrl, proxyKey),
        "-c",
        `chatgpt_base_url="${mock.url}/backend-api/"`,
        "--disable",
        "unbounded_connection_retries",
        "exec",
        "--skip-git-repo-check",
        "hello",
      ], { cwd: user.workdir, env: { CODEX_HOME: user.home, NO_COLOR: "1" }, timeoutMs: 90_000 });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /hello from acct_spare/, "the gateway moved the work to spare");
      await waitFor(async () => await rowState(page, "work") === "cooling", {
        what: "the cooldown the gateway recorded to appear on the open page",
        timeoutMs: 20_000,
      });
      assert.match(
        await page.evaluate<string>(`document.querySelector('tr[data-account="work"]').innerText`),
        /cooling down[\s\S]*cao cooldown clear work/,
      );
      assert.equal(await page.evaluate("location.pathname"), "/d/", "updated in place, not reloaded");
      await waitFor(
        async () =>
          await page.evaluate<boolean>(
            `[...document.querySelectorAll("li.event-switch")].some((li) => /switched from work to spare/.test(li.textContent))`,
          ),
        { what: "the switch the gateway made (from its usage readings) in the timeline", timeoutMs: 20_000 },
      );
      assert.ok(
        await page.evaluate(
          `document.querySelector('figure[data-account="spare"] line.mark-switch') !== null`,
        ),
        "the switch is marked on spare's chart",
      );

      const viaGateway = await runCaoProcess(home, ["dashboard", "--no-open", "--json"]);
      assert.equal(viaGateway.code, 0, viaGateway.stderr);
      const served = JSON.parse(viaGateway.stdout);
      assert.equal(served.servedBy, "gateway");
      assert.equal(served.origin, gatewayUrl);
      const second = await browser.newPage();
      await second.setViewport(1280, 900);
      await second.goto(served.url);
      assert.equal(await rowState(second, "work"), "cooling");
      await waitFor(
        async () => await second.evaluate(`document.getElementById("live").dataset.state`) === "live",
        {
          what: "the gateway's page to go live",
          timeoutMs: 20_000,
        },
      );
      const wide = await screenshot(second, "dashboard-wide.png");
      await second.setViewport(390, 844);
      await second.setColorScheme("dark");
      const narrow = await screenshot(second, "dashboard-narrow-dark.png");
      assert.ok((await Deno.stat(wide)).size > 10_000 && (await Deno.stat(narrow)).size > 10_000);
    } finally {
      if (gatewayStarted) await runCaoProcess(home, ["gateway", "stop"]);
      try {
        own.kill("SIGINT");
      } catch { /* gone */ }
      const ended = await own.status;
      await own.stdout.cancel().catch(() => {});
      const stderr = new TextDecoder().decode(await new Response(own.stderr).arrayBuffer());
      assert.equal(ended.code, 130, `cao dashboard ends on Ctrl-C with 130:\n${stderr}`);
    }
  },
});
