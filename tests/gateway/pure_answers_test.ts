/**
 * The answers the gateway writes itself, with literal inputs: status, headers and body of each, the way
 * Codex reads them (a 429 usage limit, a one-line 400, a 403 and a 426 in JSON).
 */

import assert from "node:assert/strict";
import {
  allLimitedAnswer,
  controlForbiddenAnswer,
  forbiddenAnswer,
  gatewayFailure,
  jsonAnswer,
  noAccountAnswer,
  upgradeRequiredAnswer,
  upstreamUnreachableAnswer,
} from "../../src/gateway/gateway_answers.ts";

const NOW = new Date("2026-11-21T12:00:00.000Z");
const NOW_S = 1795262400;

async function plain(response: Response): Promise<[number, string | null, string | null, string]> {
  return [
    response.status,
    response.headers.get("content-type"),
    response.headers.get("x-cao-gateway-error"),
    await response.text(),
  ];
}

Deno.test("allLimitedAnswer() is Codex's 429 usage_limit_reached with the earliest reset, rounded up", async () => {
  const answer = allLimitedAnswer(new Date((NOW_S + 600) * 1000 + 1), NOW, "plus", {
    work: { kind: "cooling", until: new Date("2026-11-21T12:10:00.001Z") },
    old: { kind: "needs-login", reason: "the refresh token was reused" },
    big: { kind: "over-threshold", percent: 97.5 },
    busy: { kind: "busy" },
  });
  assert.equal(answer.status, 429);
  assert.equal(answer.headers.get("content-type"), "application/json");
  assert.equal(answer.headers.get("cache-control"), "no-store");
  assert.equal(answer.headers.get("x-codex-primary-used-percent"), "100");
  assert.equal(answer.headers.get("x-codex-primary-reset-at"), String(NOW_S + 601));
  assert.equal(answer.headers.get("x-codex-active-limit"), "codex");
  assert.deepEqual(await answer.json(), {
    error: {
      type: "usage_limit_reached",
      message: "All cao accounts have reached their usage limit (work until 2026-11-21T12:10:00.001Z, old " +
        "needs a new login (the refresh token was reused), big at 97.5%, busy).",
      resets_at: NOW_S + 601,
      resets_in_seconds: 601,
      plan_type: "plus",
    },
  });
});

Deno.test("allLimitedAnswer() names no plan when there is none and never counts a passed reset below 0", async () => {
  const body = await allLimitedAnswer(new Date((NOW_S - 30) * 1000), NOW, null, {}).json();
  assert.deepEqual(body, {
    error: {
      type: "usage_limit_reached",
      message: "All cao accounts have reached their usage limit ().",
      resets_at: NOW_S - 30,
      resets_in_seconds: 0,
    },
  });
  assert.equal("plan_type" in (await allLimitedAnswer(NOW, NOW, "", {}).json()).error, false);
});

Deno.test("gatewayFailure() is a one-line text/plain 400 naming its code in a header, redacted", async () => {
  assert.deepEqual(await plain(gatewayFailure("x_code", "first line\n  second line")), [
    400,
    "text/plain; charset=utf-8",
    "x_code",
    "cao gateway: first line second line",
  ]);
  const secret = "sk-abcdefghijklmnopqrstuvwxyz0123456789";
  const [, , , text] = await plain(gatewayFailure("x", `key ${secret}`));
  assert.ok(!text.includes(secret), text);
});

Deno.test("noAccountAnswer() tells to add an account when none is registered, else why none can be used", async () => {
  assert.deepEqual(await plain(noAccountAnswer({})), [
    400,
    "text/plain; charset=utf-8",
    "no_account",
    'cao gateway: no accounts are registered; add one with "cao add <name>"',
  ]);
  assert.deepEqual(
    await plain(
      noAccountAnswer({ a: { kind: "needs-login", reason: "not logged in" }, b: { kind: "available" } }),
    ),
    [
      400,
      "text/plain; charset=utf-8",
      "no_account",
      'cao gateway: no account can be used (a needs a new login (not logged in), b); run "cao status --doctor"',
    ],
  );
});

Deno.test("upstreamUnreachableAnswer() and forbiddenAnswer() are 400s with their codes", async () => {
  assert.deepEqual(await plain(upstreamUnreachableAnswer("connection refused")), [
    400,
    "text/plain; charset=utf-8",
    "upstream_unreachable",
    "cao gateway: the upstream could not be reached (connection refused)",
  ]);
  assert.deepEqual(await plain(forbiddenAnswer()), [
    400,
    "text/plain; charset=utf-8",
    "forbidden",
    'cao gateway: this request lacks a valid gateway key; run "cao gateway enable" again, or use ' +
    '"cao run --gateway"',
  ]);
});

Deno.test("controlForbiddenAnswer(), upgradeRequiredAnswer() and jsonAnswer() are JSON, never cached", async () => {
  const forbidden = controlForbiddenAnswer();
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.headers.get("x-cao-gateway-error"), null);
  assert.deepEqual(await forbidden.json(), {
    error: {
      type: "cao_gateway_forbidden",
      message: "cao gateway: this request needs the gateway's control key (x-cao-gateway-key header)",
    },
  });
  const upgrade = upgradeRequiredAnswer();
  assert.equal(upgrade.status, 426);
  assert.deepEqual(await upgrade.json(), {
    error: { type: "cao_gateway_http_only", message: "cao gateway: use HTTPS streaming, not WebSockets" },
  });
  const health = jsonAnswer(200, { ok: true, n: [1, null] });
  assert.equal(health.status, 200);
  assert.equal(health.headers.get("content-type"), "application/json");
  assert.equal(health.headers.get("cache-control"), "no-store");
  assert.equal(await health.text(), '{"ok":true,"n":[1,null]}');
});
