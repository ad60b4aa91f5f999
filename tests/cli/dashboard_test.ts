/**
 * `cao dashboard` as a process: its own server in the foreground (a one-time link, Ctrl-C ends it with 130),
 * a second `cao dashboard` reusing it, a stranger's port that gets nothing but a probe, and bad flags.
 */

import assert from "node:assert/strict";
import { browserCommand } from "../../src/cli/dashboard.ts";
import { caoChild, makeTempHome, runCaoProcess } from "../support/run_cao.ts";
import { within } from "../support/wait.ts";
import { writeFourAccounts } from "../status/status_fixture.ts";

Deno.test("browserCommand() opens a URL the platform's way", () => {
  const url = "http://127.0.0.1:4320/d/?t=ab";
  assert.deepEqual(browserCommand("linux", url), { command: "xdg-open", args: [url] });
  assert.deepEqual(browserCommand("darwin", url), { command: "open", args: [url] });
  assert.deepEqual(browserCommand("windows", url), { command: "cmd", args: ["/c", "start", "", url] });
});

/** Reads a child's stdout until `pattern` matches; returns the match. */
async function readUntil(child: Deno.ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  const reader = child.stdout.getReader();
  let text = "";
  try {
    return await within(
      (async () => {
        for (;;) {
          const match = pattern.exec(text);
          if (match) return match;
          const chunk = await reader.read();
          if (chunk.done) throw new Error(`stdout ended without ${pattern}:\n${text}`);
          text += new TextDecoder().decode(chunk.value);
        }
      })(),
      60_000,
      `cao dashboard to print ${pattern}`,
    );
  } finally {
    reader.releaseLock();
  }
}

Deno.test("cao dashboard serves itself until Ctrl-C; a second one reuses it; the link works once", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (free.addr as Deno.NetAddr).port;
  free.close();
  const own = caoChild(home, ["dashboard", "--no-open", "--port", String(port)]);
  try {
    const [, url] = await readUntil(own, /Open (http:\/\/127\.0\.0\.1:\d+\/d\/\?t=[0-9a-f]{64})\n/);
    assert.equal(new URL(url).port, String(port));
    const second = await runCaoProcess(home, ["dashboard", "--no-open", "--json", "--port", String(port)]);
    assert.equal(second.code, 0, second.stderr);
    const doc = JSON.parse(second.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.servedBy, "cao dashboard");
    assert.equal(doc.origin, `http://127.0.0.1:${port}`);
    assert.deepEqual(doc.state.accounts.map((a: { name: string; state: string }) => [a.name, a.state]), [
      ["work", "ready"],
      ["personal", "ready"],
      ["old", "needs-relogin"],
      ["spare", "not-logged-in"],
    ]);
    const login = await fetch(url, { redirect: "manual" });
    assert.equal(login.status, 303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const page = await fetch(`http://127.0.0.1:${port}/d/`, { headers: { cookie } });
    assert.match(await page.text(), /<tr class="account state-needs-relogin" data-account="old"/);
    const again = await fetch(url, { redirect: "manual" });
    assert.equal(again.status, 403);
    await again.body?.cancel();
  } finally {
    own.kill("SIGINT");
    const ended = await own.status;
    await own.stdout.cancel().catch(() => {});
    const stderr = await new Response(own.stderr).text();
    assert.equal(ended.code, 130, stderr);
  }
});

Deno.test("cao dashboard sends a stranger's port nothing but a probe, and says the port is taken", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const seen: string[] = [];
  const stranger = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
    return new Response(JSON.stringify({ service: "cao-dashboard", proof: "nope" }));
  });
  try {
    const result = await runCaoProcess(home, [
      "dashboard",
      "--no-open",
      "--port",
      String(stranger.addr.port),
    ]);
    assert.equal(result.code, 1, result.stdout);
    assert.match(
      result.stderr,
      new RegExp(
        `^error: Cannot serve the dashboard on 127\\.0\\.0\\.1:${stranger.addr.port}: the port is in use\\nhint: `,
      ),
    );
    assert.equal(seen.length, 1, seen.join("\n"));
    assert.match(seen[0], /^GET \/d\/probe\?n=[0-9a-f]{32}$/, "a fresh nonce, no key, no ticket");
  } finally {
    await stranger.shutdown();
  }
});

Deno.test("cao dashboard refuses a port that is not one", async () => {
  await using home = await makeTempHome();
  const result = await runCaoProcess(home, ["dashboard", "--port", "http"]);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^error: Cannot use --port "http": expected a whole number, at least 0 and at most 65535\n/,
  );
});
