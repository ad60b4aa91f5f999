/**
 * The dashboard's access rules and live updates, on a real gateway (in-process, loopback, the mock upstream):
 * tickets are taken once and become a session cookie; nothing but the probe and the static assets answers
 * without that session; a request addressed to another host is refused; the event stream carries a cooldown
 * the gateway records; stopping the gateway ends the streams. Also the ticket and session rules themselves.
 */

import assert from "node:assert/strict";
import {
  checkSession,
  checkTicket,
  mintSession,
  mintTicket,
  probeProof,
  SESSION_SECONDS,
  TICKET_SECONDS,
  UsedTickets,
} from "../../src/gateway/dashboard_auth.ts";
import { ensureDashboardKey, readDashboardKey } from "../../src/gateway/dashboard_key.ts";
import { addressedToLoopback, cookieValue, DASHBOARD_CSP } from "../../src/gateway/dashboard_routes.ts";
import { startHarness } from "./gateway_harness.ts";
import { SseReader } from "../support/sse_reader.ts";

/** A GET with headers of our own choosing (fetch keeps its own Host); the whole answer as text. */
async function rawGet(port: number, path: string, headers: Record<string, string>): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\n${head}connection: close\r\n\r\n`));
  let text = "";
  for await (const chunk of conn.readable) text += new TextDecoder().decode(chunk);
  return text;
}

const KEY = "sk-cao-read-test-key-0123456789abcdef";
const NOW = 1_795_000_000;

Deno.test("a ticket is signed with the read key, expires, and a server takes it once", async () => {
  const { ticket, expiresAt } = await mintTicket(KEY, NOW);
  assert.match(ticket, /^[0-9a-f]{64}$/, "hex: cao's redaction leaves it alone");
  assert.equal(expiresAt, NOW + TICKET_SECONDS);
  const ok = await checkTicket(KEY, ticket, NOW + 60);
  assert.equal(ok.kind, "ok");
  assert.equal((await checkTicket(KEY, ticket, NOW + TICKET_SECONDS + 1)).kind, "expired");
  assert.equal((await checkTicket("sk-cao-read-another-key-0123456789", ticket, NOW)).kind, "bad");
  const forged = ticket.slice(0, 8) + (ticket[8] === "0" ? "1" : "0") + ticket.slice(9);
  assert.equal((await checkTicket(KEY, forged, NOW)).kind, "bad");
  assert.equal((await checkTicket(KEY, "zz", NOW)).kind, "bad");
  const used = new UsedTickets();
  if (ok.kind !== "ok") throw new Error("unreachable");
  assert.equal(used.take(ok.id, ok.expiresAt, NOW), true);
  assert.equal(used.take(ok.id, ok.expiresAt, NOW + 1), false, "only once");
});

Deno.test("a session lasts a week, only with the read key it was made with; the probe proves the key", async () => {
  const session = await mintSession(KEY, NOW);
  assert.equal(await checkSession(KEY, session, NOW + SESSION_SECONDS - 1), true);
  assert.equal(await checkSession(KEY, session, NOW + SESSION_SECONDS), false);
  assert.equal(await checkSession("sk-cao-read-another-key-0123456789", session, NOW), false);
  assert.equal(
    await checkSession(KEY, (await mintTicket(KEY, NOW)).ticket, NOW),
    false,
    "a ticket is no session",
  );
  assert.equal(await probeProof(KEY, "ab12"), await probeProof(KEY, "ab12"));
  assert.notEqual(
    await probeProof(KEY, "ab12"),
    await probeProof("sk-cao-read-another-key-0123456789", "ab12"),
  );
});

Deno.test("cookieValue() and addressedToLoopback() read the request headers", () => {
  assert.equal(cookieValue("a=1; cao_dashboard_x=ab=cd; b=2", "cao_dashboard_x"), "ab=cd");
  assert.equal(cookieValue("a=1", "cao_dashboard_x"), null);
  assert.equal(cookieValue(null, "a"), null);
  const at = (host: string) => new Request("http://127.0.0.1:9/d/", { headers: { host } });
  assert.equal(addressedToLoopback(at("127.0.0.1:4319")), true);
  assert.equal(addressedToLoopback(at("localhost:4319")), true);
  assert.equal(addressedToLoopback(at("[::1]:4319")), true);
  assert.equal(addressedToLoopback(at("evil.example:4319")), false);
});

Deno.test("the gateway's dashboard: a ticket once, a session cookie, 403 without it, live cooldowns", async () => {
  await using h = await startHarness({
    dashboardPollMs: 20,
    mock: { responses: { acct_a: { kind: "usage_limit", resetsAt: Math.floor(Date.now() / 1000) + 3600 } } },
  });
  const url = h.gateway.url;
  const none = await fetch(`${url}/d/`);
  assert.equal(none.status, 404, "no read key yet: no dashboard");
  await none.body?.cancel();

  const key = await ensureDashboardKey(h.home);
  assert.equal(await readDashboardKey(h.home), key);
  assert.equal((await Deno.stat(h.home.paths.dashboardKey)).mode! & 0o777, 0o600);
  for (const path of ["/d/", "/d/events", "/d/state.json"]) {
    const refused = await fetch(`${url}${path}`);
    assert.equal(refused.status, 403, `${path} without a session`);
    assert.equal(refused.headers.get("content-security-policy"), DASHBOARD_CSP);
    await refused.body?.cancel();
  }
  const css = await fetch(`${url}/d/app.css`);
  assert.equal(css.status, 200, "the static assets are no secret");
  await css.body?.cancel();
  const nonce = "0123456789abcdef";
  const probe = await (await fetch(`${url}/d/probe?n=${nonce}`)).json();
  assert.deepEqual(probe, { service: "cao-dashboard", proof: await probeProof(key, nonce) });

  const { ticket } = await mintTicket(key, Math.floor(Date.now() / 1000));
  const login = await fetch(`${url}/d/?t=${ticket}&range=week`, { redirect: "manual" });
  assert.equal(login.status, 303);
  assert.equal(login.headers.get("location"), "/d/?range=week");
  const setCookie = login.headers.get("set-cookie") ?? "";
  assert.match(
    setCookie,
    /^cao_dashboard_[0-9a-f]{12}=[0-9a-f]+; Path=\/d\/; Max-Age=604800; HttpOnly; SameSite=Strict$/,
  );
  assert.equal(setCookie.includes(key), false, "the cookie is not the read key");
  const cookie = setCookie.split(";")[0];
  const again = await fetch(`${url}/d/?t=${ticket}`, { redirect: "manual" });
  assert.equal(again.status, 403, "a used ticket lets nobody in");
  assert.match(await again.text(), /used already or has expired/);

  const page = await fetch(`${url}/d/`, { headers: { cookie } });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /data-account="a" data-state="ready"/);
  assert.match(html, /data-account="b" data-state="ready"/);
  for (const secret of [key, "sk-cao-gw-test-key", "sk-cao-ctl-test-key", "rt_acct_a"]) {
    assert.equal(html.includes(secret), false, `the page holds no ${secret.slice(0, 10)}…`);
  }
  const rebound = await rawGet(h.gateway.port, "/d/", { host: "evil.example", cookie });
  assert.match(rebound, /^HTTP\/1\.1 403 /, "a page of another site rebound to 127.0.0.1 gets nothing");
  const state = await (await fetch(`${url}/d/state.json`, { headers: { cookie } })).json();
  assert.deepEqual(state.accounts.map((a: { name: string }) => a.name), ["a", "b"]);

  const events = await fetch(`${url}/d/events`, { headers: { cookie } });
  assert.equal(events.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = new SseReader(events.body!);
  const first = await reader.next((e) => e.event === "state", "the first state");
  assert.match(JSON.parse(first!.data).html, /data-account="a" data-state="ready"/);
  const answer = await h.respond({ session: "s1" });
  assert.equal(answer.status, 200, "the gateway moved the request to b");
  await answer.body?.cancel();
  const cooling = await reader.next(
    (e) => /data-account="a" data-state="cooling"/.test(JSON.parse(e.data).html),
    "the cooldown the gateway recorded to reach the page",
  );
  assert.ok(cooling);
  await h.gateway.close();
  assert.equal(await reader.next(() => false, "the stream to end with the gateway"), null);
  assert.equal(reader.ended, true);
});
