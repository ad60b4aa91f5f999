/**
 * Component tests of token ownership: one refresh for many concurrent requests, adopting a rotation made by
 * another process under Codex's lock, refused refreshes, 401 recovery, shared logins, Codex's own refresh
 * routed through the gateway.
 */

import assert from "node:assert/strict";
import { markNeedsRelogin } from "../../src/accounts/status_events.ts";
import { loadStatusFile, statusOf, updateStatusFile } from "../../src/accounts/status_store.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { sseText, startHarness } from "./gateway_harness.ts";
import { within } from "../support/wait.ts";

const soon = () => Math.floor(Date.now() / 1000) + 60;

async function readAuth(path: string): Promise<{ tokens: Record<string, string>; [k: string]: unknown }> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("50 concurrent requests on an expiring token cause one refresh, written 0600 with every field kept", async () => {
  await using h = await startHarness({
    accounts: [{ name: "a", auth: { exp: soon(), extra: { custom_field: 7 } } }],
  });
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => h.respond({ session: `s${i}` })));
  const texts = await Promise.all(answers.map((r) => r.text()));
  assert.ok(texts.every((t) => sseText(t) === "hello from acct_a"));
  assert.equal(h.mock.refreshCalls, 1);
  const auth = await readAuth(h.home.paths.authFile("a"));
  assert.equal(auth.tokens.refresh_token, "rt_acct_a_refresh_secret_0_gen1");
  assert.equal(auth.custom_field, 7);
  assert.equal((await Deno.stat(h.home.paths.authFile("a"))).mode! & 0o777, 0o600);
  const bearer = new Set(h.mock.responsesRequests().map((r) => r.headers.authorization));
  assert.equal(bearer.size, 1, "every request used the refreshed token");
});

Deno.test("a rotation made by another process under Codex's auth.lock is adopted, not refreshed again", async () => {
  await using h = await startHarness({ accounts: [{ name: "a", auth: { exp: soon() } }, "b"] });
  const authPath = h.home.paths.authFile("a");
  const rotated = fakeAuthJson({
    accountId: "acct_a",
    refreshToken: "rt_acct_a_refresh_secret_0_gen1",
    email: "rotated@example.com",
  });
  const script = `
    const lock = await Deno.open(${
    JSON.stringify(`${h.home.paths.accountDir("a")}/auth.lock`)
  }, { read: true, write: true, create: true });
    await lock.lock(true);
    console.log("locked");
    await new Promise((r) => setTimeout(r, 300));
    await Deno.writeTextFile(${JSON.stringify(authPath)}, ${
    JSON.stringify(JSON.stringify(rotated))
  }, { mode: 0o600 });
    await lock.unlock();
    lock.close();`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await within(reader.read(), 30_000, "the other process to lock")).value ?? "", /locked/);
  const res = await h.respond({ session: "s1" });
  assert.equal(sseText(await res.text()), "hello from acct_a");
  await reader.cancel();
  assert.equal((await child.status).success, true);
  assert.equal(h.mock.refreshCalls, 0, "the rotated token was adopted");
  const [seen] = h.mock.responsesRequests();
  assert.equal(
    seen.headers.authorization,
    `Bearer ${(rotated.tokens as Record<string, string>).access_token}`,
  );
});

Deno.test("a refused refresh marks the account for a new login and the request fails over", async () => {
  await using h = await startHarness({
    accounts: [{ name: "a", auth: { exp: soon() } }, "b"],
    mock: { refresh: { kind: "reused" } },
  });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 200);
  assert.equal(sseText(await res.text()), "hello from acct_b");
  await h.gateway.sync.flush();
  const a = (await loadStatusFile(h.home)).accounts.a;
  assert.equal(a.needsRelogin, true);
  assert.match(a.needsReloginReason ?? "", /already used/);
  assert.equal(h.mock.responsesRequests("acct_a").length, 0);
});

Deno.test("a 401 from the upstream is answered by a refresh and one more try; Codex never sees it", async () => {
  await using h = await startHarness({
    mock: {
      responses: { acct_a: [{ kind: "status", status: 401 }, "ok"] },
      refresh: { kind: "rotate", auth: { email: "renewed@example.com" } },
    },
  });
  const res = await h.respond({ session: "s1" });
  assert.equal(res.status, 200);
  assert.equal(sseText(await res.text()), "hello from acct_a");
  assert.equal(h.mock.refreshCalls, 1);
  const [refused, retried] = h.mock.responsesRequests();
  assert.notEqual(refused.headers.authorization, retried.headers.authorization);
  h.mock.setResponses("acct_a", { kind: "status", status: 401 });
  h.mock.setResponses("acct_b", { kind: "status", status: 401 });
  const all = await h.respond({ session: "s2" });
  assert.notEqual(all.status, 401);
  await all.body?.cancel();
});

Deno.test("a login shared with ~/.codex/auth.json is renewed early, copies kept in step, Codex's refresh served", async () => {
  const shared = { accountId: "acct_a", exp: Math.floor(Date.now() / 1000) + 1800 };
  await using h = await startHarness({ accounts: [{ name: "a", auth: shared }, "b"], userAuth: shared });
  assert.deepEqual(h.gateway.credentials.sharedLogins, ["a"]);
  await (await h.respond({ session: "s1" })).text();
  assert.equal(h.mock.refreshCalls, 1);
  const pool = await readAuth(h.home.paths.authFile("a"));
  const user = await readAuth(h.userAuthPath);
  assert.equal(user.tokens.refresh_token, pool.tokens.refresh_token);
  assert.equal(user.tokens.access_token, pool.tokens.access_token);
  // Codex (cao run --gateway) refreshing with the token it still holds in memory gets the pool's tokens.
  const answer = await fetch(`${h.base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "refresh_token",
      refresh_token: "rt_acct_a_refresh_secret_0",
      client_id: "x",
    }),
  });
  assert.equal(answer.status, 200);
  assert.equal((await answer.json()).refresh_token, pool.tokens.refresh_token);
  assert.equal(h.mock.refreshCalls, 1, "no second refresh");
  // An unknown login's refresh is passed to the real token endpoint.
  const other = await fetch(`${h.base}/oauth/token`, {
    method: "POST",
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "rt_someone_refresh_secret_0" }),
  });
  assert.equal(other.status, 200);
  assert.equal((await other.json()).refresh_token, "rt_someone_refresh_secret_0_gen1");
  assert.equal(h.mock.refreshCalls, 2);
});

Deno.test("an account marked for a new login comes back as soon as its auth.json holds working tokens", async () => {
  await using h = await startHarness({
    accounts: ["a"],
    mock: { refresh: { kind: "reused" } },
  });
  // Marked dead by another cao process; then a Codex (or "cao add a") wrote new working tokens.
  await updateStatusFile(h.home, (file) => markNeedsRelogin(statusOf(file, "a"), "refresh_token_reused"));
  await h.gateway.sync.reload();
  const refused = await h.respond({ session: "s1" });
  assert.equal(refused.status, 400, "no account while the login is dead");
  assert.match(await refused.text(), /a needs a new login/);
  const renewed = fakeAuthJson({ accountId: "acct_a", refreshToken: "rt_acct_a_refresh_secret_9" });
  await Deno.writeTextFile(h.home.paths.authFile("a"), JSON.stringify(renewed, null, 2), { mode: 0o600 });
  const res = await h.respond({ session: "s2" });
  assert.equal(res.status, 200, "served at once, without waiting for the next reload");
  assert.equal(sseText(await res.text()), "hello from acct_a");
  await h.gateway.sync.flush();
  assert.equal((await loadStatusFile(h.home)).accounts.a.needsRelogin, false);
  assert.ok(h.logs.some((l) => /"a" has working tokens again/.test(l)), h.logs.join("\n"));
});
