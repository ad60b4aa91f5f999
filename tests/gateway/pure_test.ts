/**
 * Unit tests of the gateway's pure decisions: settings precedence, answer classification, SSE parsing,
 * rate-limit headers, body stripping, header hygiene, log lines.
 */

import assert from "node:assert/strict";
import { zstdCompressSync } from "node:zlib";
import {
  clientResponseHeaders,
  upstreamRequestHeaders,
  upstreamUrl,
} from "../../src/gateway/forward_headers.ts";
import { accessOf, sameKey, splitKeyPrefix } from "../../src/gateway/handler.ts";
import { exhaustedResetAt, usageFromHeaders } from "../../src/gateway/rate_limit_headers.ts";
import { formatLogLine } from "../../src/gateway/request_log.ts";
import { rewriteForAccountMove, stripAccountBoundItems } from "../../src/gateway/request_body.ts";
import {
  DEFAULT_GATEWAY_SETTINGS,
  type GatewayFile,
  newGatewayKey,
  resolveSettings,
  savedSettings,
  settingsProblem,
  settleGatewayKeys,
} from "../../src/gateway/settings.ts";
import { startProblem } from "../../src/gateway/start_gateway.ts";
import {
  classifyEarlyEvent,
  classifyErrorAnswer,
  classifyEventData,
  classifySseText,
  normaliseLineEnds,
} from "../../src/gateway/upstream_verdict.ts";
import { redactSecrets } from "../../src/shared/redact.ts";

const NOW = new Date("2026-11-21T12:00:00Z");

Deno.test("resolveSettings() takes flags over gateway.json over defaults, and an unset flag never wins", () => {
  const saved = savedSettings({ schemaVersion: 1, port: 5000, switchAt: 80, bind: 42 as unknown as string });
  assert.deepEqual(saved, { port: 5000, switchAt: 80 });
  const resolved = resolveSettings({ port: undefined, switchAt: 95 }, saved);
  assert.equal(resolved.port, 5000);
  assert.equal(resolved.switchAt, 95);
  assert.equal(resolved.bind, DEFAULT_GATEWAY_SETTINGS.bind);
  assert.equal(resolveSettings({}, {}).port, 4319);
});

Deno.test("settingsProblem() and startProblem() refuse bad values and a remote bind without --allow-remote", () => {
  assert.equal(settingsProblem(DEFAULT_GATEWAY_SETTINGS), null);
  assert.match(settingsProblem({ ...DEFAULT_GATEWAY_SETTINGS, port: 70000 })!, /not a TCP port/);
  assert.match(settingsProblem({ ...DEFAULT_GATEWAY_SETTINGS, switchAt: 0 })!, /switch-at/);
  assert.match(settingsProblem({ ...DEFAULT_GATEWAY_SETTINGS, upstream: "ftp://x" })!, /not http/);
  assert.match(
    settingsProblem({ ...DEFAULT_GATEWAY_SETTINGS, defaultCooldownMinutes: -1 })!,
    /default-cooldown/,
  );
  assert.equal(settingsProblem({ ...DEFAULT_GATEWAY_SETTINGS, defaultCooldownMinutes: 0 }), null);
  assert.deepEqual(savedSettings({ schemaVersion: 1, defaultCooldownMinutes: 0 }), {
    defaultCooldownMinutes: 0,
  });
  const remote = { ...DEFAULT_GATEWAY_SETTINGS, bind: "0.0.0.0" };
  assert.match(startProblem(remote, newGatewayKey())!, /--allow-remote/);
  assert.equal(startProblem({ ...remote, allowRemote: true }, newGatewayKey()), null);
});

Deno.test("newGatewayKey() is random and hidden by redaction", () => {
  const a = newGatewayKey();
  assert.notEqual(a, newGatewayKey());
  assert.match(a, /^sk-cao-gw-[A-Za-z0-9_-]{32}$/);
  assert.equal(redactSecrets(`url http://127.0.0.1:4319/k/${a}/responses`).includes(a), false);
});

Deno.test("splitKeyPrefix() and sameKey() find the key in the path", () => {
  assert.deepEqual(splitKeyPrefix("/k/abc/responses"), { key: "abc", path: "/responses" });
  assert.deepEqual(splitKeyPrefix("/k/abc"), { key: "abc", path: "/" });
  assert.deepEqual(splitKeyPrefix("/responses"), { key: null, path: "/responses" });
  assert.equal(sameKey("abc", "abc"), true);
  assert.equal(sameKey("abc", "abd"), false);
  assert.equal(sameKey("abc", "abcd"), false);
});

Deno.test("classifyErrorAnswer() tells usage limits, auth, encrypted content and 5xx apart", () => {
  const limit = classifyErrorAnswer(
    429,
    JSON.stringify({ error: { type: "usage_limit_reached", plan_type: "pro", resets_at: 1795300000 } }),
    NOW,
  );
  assert.deepEqual(limit, {
    kind: "usage-limit",
    code: "usage_limit_reached",
    resetsAt: 1795300000,
    planType: "pro",
    message: null,
  });
  const relative = classifyErrorAnswer(
    429,
    JSON.stringify({ error: { type: "usage_not_included", resets_in_seconds: 60 } }),
    NOW,
  );
  assert.equal(relative.kind === "usage-limit" && relative.resetsAt, NOW.getTime() / 1000 + 60);
  assert.equal(
    classifyErrorAnswer(429, JSON.stringify({ error: { type: "rate_limit_exceeded" } }), NOW).kind,
    "pass",
  );
  assert.equal(classifyErrorAnswer(401, "", NOW).kind, "unauthorized");
  assert.equal(
    classifyErrorAnswer(400, JSON.stringify({ error: { code: "invalid_encrypted_content" } }), NOW).kind,
    "invalid-encrypted-content",
  );
  assert.equal(classifyErrorAnswer(503, "busy", NOW).kind, "retryable");
  assert.equal(classifyErrorAnswer(400, "{}", NOW).kind, "pass");
});

Deno.test("classifyEarlyEvent() waits on the prelude and catches in-stream usage limits", () => {
  assert.equal(classifyEarlyEvent({ type: "response.created" }, NOW).kind, "wait");
  assert.equal(classifyEarlyEvent({ type: "response.output_item.added" }, NOW).kind, "commit");
  for (const code of ["usage_limit_reached", "usage_not_included", "insufficient_quota"]) {
    const verdict = classifyEarlyEvent({ type: "response.failed", response: { error: { code } } }, NOW);
    assert.equal(verdict.kind, "usage-limit", code);
  }
  assert.equal(
    classifyEarlyEvent({ type: "response.failed", response: { error: { code: "server_error" } } }, NOW).kind,
    "commit",
  );
  assert.equal(
    classifyEarlyEvent({ type: "error", error: { type: "usage_limit_reached" } }, NOW).kind,
    "usage-limit",
  );
  assert.equal(classifyEarlyEvent(null, NOW).kind, "commit");
});

Deno.test("classifySseText() reads complete events until one decides, and says where the rest begins", () => {
  const prelude =
    'event: response.created\ndata: {"type":"response.created","response":{}}\n\n: keep-alive\n\n';
  assert.deepEqual(classifySseText(prelude + 'event: x\ndata: {"ty', NOW), {
    verdict: { kind: "wait" },
    consumed: prelude.length,
  });
  const delta = 'data: {"type":"response.output_text.delta","delta":"hi"}\n\n';
  assert.deepEqual(classifySseText(prelude + delta + "data: more", NOW), {
    verdict: { kind: "commit" },
    consumed: prelude.length + delta.length,
  });
  const limit = classifySseText(
    'data: {"type":"response.failed",\ndata: "response":{"error":{"code":"usage_limit_reached","resets_at":5}}}\n\n',
    NOW,
  );
  assert.equal(limit.verdict.kind, "usage-limit");
  assert.equal((limit.verdict as { resetsAt: number }).resetsAt, 5);
  assert.equal(classifySseText("data: not json\n\n", NOW).verdict.kind, "commit");
  assert.equal(normaliseLineEnds("a\r\nb\rc\r"), "a\nb\nc\r");
});

Deno.test("classifyEventData() decides like classifyEarlyEvent() on the parsed payload", () => {
  const payloads = [
    { type: "response.created", response: { id: "r" } },
    { type: "response.in_progress" },
    { type: "response.output_item.added", item: { type: "reasoning" } },
    { type: "response.failed", response: { error: { code: "usage_limit_reached", resets_at: 7 } } },
    { type: "response.failed", response: { error: { code: "server_error" } } },
    { type: "error", error: { type: "usage_not_included" } },
    { response: { type: "response.created" }, type: "response.created" },
    { type: 'we"ird\\' },
    [],
  ];
  for (const payload of payloads) {
    assert.deepEqual(
      classifyEventData(JSON.stringify(payload), NOW),
      classifyEarlyEvent(payload, NOW),
      JSON.stringify(payload),
    );
  }
});

Deno.test("usageFromHeaders() reads both windows; exhaustedResetAt() the reset of a full window", () => {
  const headers = new Headers({
    "x-codex-primary-used-percent": "100",
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": "1795300000",
    "x-codex-secondary-used-percent": "40.5",
  });
  const usage = usageFromHeaders(headers, NOW)!;
  assert.deepEqual(usage.primary, { usedPercent: 100, windowMinutes: 300, resetsAt: 1795300000 });
  assert.deepEqual(usage.secondary, { usedPercent: 40.5, windowMinutes: null, resetsAt: null });
  assert.equal(usage.source, "headers");
  assert.equal(exhaustedResetAt(usage), 1795300000);
  assert.equal(usageFromHeaders(new Headers({ "x-codex-primary-used-percent": "0" }), NOW), null);
});

Deno.test("stripAccountBoundItems() drops encrypted reasoning and compaction, strips other ciphertext", () => {
  const body = {
    model: "m",
    input: [
      { type: "message", role: "user", content: [] },
      { type: "reasoning", summary: [], encrypted_content: "enc_a" },
      { type: "compaction", encrypted_content: "enc_b" },
      { type: "custom_tool_call", name: "x", encrypted_content: "enc_c" },
      { type: "reasoning", summary: [] },
    ],
  };
  const result = stripAccountBoundItems(body);
  assert.equal(result.droppedItems, 2);
  assert.equal(result.strippedFields, 1);
  assert.equal(JSON.stringify(result.body).includes("enc_"), false);
  assert.equal((result.body.input as unknown[]).length, 3);
});

Deno.test("rewriteForAccountMove() decodes zstd bodies and returns plain JSON", async () => {
  const doc = { input: [{ type: "reasoning", encrypted_content: "enc" }], stream: true };
  const zstd = new Uint8Array(zstdCompressSync(new TextEncoder().encode(JSON.stringify(doc))));
  const out = (await rewriteForAccountMove(zstd, "zstd"))!;
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.bytes)), { input: [], stream: true });
  assert.equal(await rewriteForAccountMove(new TextEncoder().encode("not json"), null), null);
  assert.equal(await rewriteForAccountMove(zstd, "br"), null);
});

Deno.test("upstreamRequestHeaders() replaces the identity and drops what no longer matches", () => {
  const incoming = new Headers({
    authorization: "Bearer caller",
    "chatgpt-account-id": "acct_caller",
    "x-cao-gateway-key": "sk-cao-gw-x",
    "content-encoding": "zstd",
    "content-length": "12",
    "x-codex-turn-state": "ts_a",
    "session-id": "s1",
    connection: "keep-alive",
  });
  const moved = upstreamRequestHeaders(incoming, { accessToken: "tok_b", accountId: "acct_b" }, {
    dropTurnState: true,
    bodyRewritten: true,
  });
  assert.equal(moved["authorization"], "Bearer tok_b");
  assert.equal(moved["chatgpt-account-id"], "acct_b");
  for (
    const gone of [
      "x-cao-gateway-key",
      "content-encoding",
      "content-length",
      "x-codex-turn-state",
      "connection",
    ]
  ) {
    assert.equal(gone in moved, false, gone);
  }
  assert.equal(moved["session-id"], "s1");
  const same = upstreamRequestHeaders(incoming, { accessToken: "tok_a", accountId: null }, {
    dropTurnState: false,
    bodyRewritten: false,
  });
  assert.equal(same["content-encoding"], "zstd");
  assert.equal(same["x-codex-turn-state"], "ts_a");
  assert.equal("chatgpt-account-id" in same, false);
  const back = clientResponseHeaders(
    new Headers({ "content-encoding": "gzip", "content-length": "5", "x-codex-turn-state": "t" }),
  );
  assert.deepEqual(Object.keys(back), ["x-codex-turn-state"]);
  assert.equal(
    upstreamUrl("https://h/backend-api/codex/", "/responses", "?a=1"),
    "https://h/backend-api/codex/responses?a=1",
  );
});

Deno.test("formatLogLine() names account, switch and session, never a token", () => {
  const line = formatLogLine({
    at: NOW,
    method: "POST",
    path: "/responses",
    status: 200,
    durationMs: 12.4,
    account: "b",
    switchedFrom: "a",
    session: "01a1fe83-6dfe-7f63-8f27-c101661c5974",
    retries: 1,
    note: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
  });
  assert.equal(
    line,
    '2026-11-21T12:00:00.000Z POST /responses 200 12ms account=b switch=a->b session=661c5974 retries=1 note="Bearer [redacted]"',
  );
});

Deno.test("formatLogLine() labels conversations begun in the same minute apart (the random end of a UUIDv7)", () => {
  const label = (session: string) =>
    /session=(\S+)/.exec(
      formatLogLine({
        at: NOW,
        method: "POST",
        path: "/responses",
        status: 200,
        durationMs: 1,
        account: "a",
        session,
      }),
    )?.[1];
  assert.notEqual(
    label("01a1fe83-6dfe-7f63-8f27-c101661c5974"),
    label("01a1fe83-7a01-7b2c-9d10-5e2f0a77b3e1"),
  );
});

Deno.test("settleGatewayKeys() turns a legacy key into the proxy key and makes a separate control key", () => {
  const legacy: GatewayFile = { schemaVersion: 1, key: "sk-cao-gw-legacy-key-0123456789" };
  const settled = settleGatewayKeys(legacy);
  assert.equal(settled.proxy, "sk-cao-gw-legacy-key-0123456789");
  assert.match(settled.control, /^sk-cao-ctl-/);
  assert.equal(settled.changed, true);
  assert.equal("key" in legacy, false);
  assert.deepEqual(
    { proxy: legacy.proxyKey, control: legacy.controlKey },
    { proxy: settled.proxy, control: settled.control },
  );
  const again = settleGatewayKeys(legacy);
  assert.equal(again.changed, false);
  const fresh = settleGatewayKeys({ schemaVersion: 1 });
  assert.match(fresh.proxy, /^sk-cao-gw-/);
  assert.notEqual(fresh.proxy, fresh.control);
});

Deno.test("accessOf(): the control key only in the header, the proxy and run keys anywhere, never the control key in a URL", () => {
  const keys = { control: "sk-cao-ctl-c", proxy: "sk-cao-gw-p" };
  const run = (k: string) => k === "sk-cao-gw-run-r";
  assert.equal(accessOf(null, "sk-cao-ctl-c", keys, run), "control");
  assert.equal(accessOf("sk-cao-gw-p", "sk-cao-ctl-c", keys, run), "control");
  assert.equal(accessOf("sk-cao-ctl-c", null, keys, run), "none");
  assert.equal(accessOf("sk-cao-ctl-c", "sk-cao-ctl-c", keys, run), "none");
  assert.equal(accessOf("sk-cao-gw-p", null, keys, run), "proxy");
  assert.equal(accessOf(null, "sk-cao-gw-p", keys, run), "proxy");
  assert.equal(accessOf("sk-cao-gw-run-r", null, keys, run), "proxy");
  assert.equal(accessOf("sk-cao-gw-other", null, keys, run), "none");
  assert.equal(accessOf(null, null, keys, run), "none");
});
