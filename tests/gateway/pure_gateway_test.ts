/**
 * Pure parts of the gateway with literal inputs: the retry backoff (its bounds: it has jitter), the next
 * cooldown probe, where an HTTP head ends, request and answer encodings, hex keys, the dashboard's range,
 * the start-failure log line, whether two usage readings differ, event streams.
 */

import assert from "node:assert/strict";
import { backoffDelay } from "../../src/gateway/upstream_client.ts";
import { nextProbeAt } from "../../src/gateway/cooldown_healer.ts";
import { headEnd } from "../../src/gateway/http1_wire.ts";
import { decodeRequestBody } from "../../src/gateway/request_body.ts";
import { decodableEncoding } from "../../src/gateway/upstream_answer.ts";
import { fromHex, toHex } from "../../src/gateway/dashboard_auth.ts";
import { rangeOf } from "../../src/gateway/dashboard_routes.ts";
import { startFailureLine } from "../../src/gateway/log_file.ts";
import { sameWindows } from "../../src/gateway/rate_limit_headers.ts";
import { isEventStream } from "../../src/gateway/proxy_context.ts";
import { stateFrame } from "../../src/gateway/dashboard_events.ts";
import type { UsageSnapshot } from "../../src/accounts/status_store.ts";
import { CaoError, UsageError } from "../../src/shared/errors.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("backoffDelay() doubles per retry, within 20 % either way of base·2^n, rounded", () => {
  const bounds: [number, number, number, number][] = [
    // n, base, least, most
    [0, 100, 80, 120],
    [1, 100, 160, 240],
    [3, 250, 1600, 2400],
    [10, 1, 819, 1229],
  ];
  for (const [n, base, least, most] of bounds) {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(n, base);
      assert.ok(Number.isInteger(delay), `${delay}`);
      assert.ok(delay >= least && delay <= most, `backoffDelay(${n}, ${base}) = ${delay}`);
    }
  }
  assert.equal(backoffDelay(5, 0), 0);
});

Deno.test("nextProbeAt() waits the interval, doubled per failure, never more than the cap", () => {
  assert.equal(nextProbeAt(1_000, 60_000, 0, 3_600_000), 61_000);
  assert.equal(nextProbeAt(1_000, 60_000, 1, 3_600_000), 121_000);
  assert.equal(nextProbeAt(1_000, 60_000, 5, 3_600_000), 1_921_000);
  assert.equal(nextProbeAt(1_000, 60_000, 6, 3_600_000), 3_601_000);
  // The exponent stops at 20, so a huge failure count neither overflows nor passes the cap.
  assert.equal(nextProbeAt(0, 1, 1_000_000, Number.MAX_SAFE_INTEGER), 1_048_576);
  assert.equal(nextProbeAt(0, 60_000, 1_000_000, 3_600_000), 3_600_000);
});

Deno.test("headEnd() finds the first CRLFCRLF at or after `from`, or -1", () => {
  assert.equal(headEnd(bytes("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody\r\n\r\n")), 21);
  assert.equal(headEnd(bytes("\r\n\r\n")), 0);
  assert.equal(headEnd(bytes("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody\r\n\r\n"), 22), 29);
  assert.equal(headEnd(bytes("HTTP/1.1 200 OK\r\nA: b\r\n\r")), -1);
  assert.equal(headEnd(bytes("a\n\n\r\n\nb")), -1);
  assert.equal(headEnd(new Uint8Array(0)), -1);
  // A negative start is the start, one past the end finds nothing.
  assert.equal(headEnd(bytes("\r\n\r\n"), -5), 0);
  assert.equal(headEnd(bytes("\r\n\r\n"), 1), -1);
});

Deno.test("decodeRequestBody() passes identity through, decodes zstd, and refuses other encodings", async () => {
  const plain = bytes('{"a":1}');
  assert.equal(await decodeRequestBody(plain, null), plain);
  assert.equal(await decodeRequestBody(plain, ""), plain);
  assert.equal(await decodeRequestBody(plain, " Identity "), plain);
  // `printf '{"a":1}' | zstd -c` (with its checksum).
  const zstd = new Uint8Array([
    40,
    181,
    47,
    253,
    4,
    88,
    57,
    0,
    0,
    123,
    34,
    97,
    34,
    58,
    49,
    125,
    72,
    139,
    252,
    50,
  ]);
  assert.deepEqual(await decodeRequestBody(zstd, "zstd"), plain);
  assert.deepEqual(await decodeRequestBody(zstd, "ZSTD "), plain);
  assert.equal(await decodeRequestBody(plain, "gzip"), null);
  assert.equal(await decodeRequestBody(plain, "zstd, gzip"), null);
  await assert.rejects(() => decodeRequestBody(plain, "zstd"));
});

Deno.test("decodableEncoding() is identity or an encoding the gateway can decode, in any case", () => {
  for (const encoding of [null, "", "identity", "gzip", "x-gzip", "deflate", "br", " GZIP "]) {
    assert.equal(decodableEncoding(encoding), true, String(encoding));
  }
  // Names an object inherits are no encodings ("constructor" used to count as one).
  for (const encoding of ["zstd", "compress", "gzip, br", "constructor", " Constructor", "__proto__"]) {
    assert.equal(decodableEncoding(encoding), false, encoding);
  }
});

Deno.test("toHex() and fromHex() are two-digit lower-case hex and back; fromHex refuses anything else", () => {
  assert.equal(toHex(new Uint8Array([0, 1, 15, 16, 171, 255])), "00010f10abff");
  assert.equal(toHex(new Uint8Array(0)), "");
  assert.deepEqual(fromHex("00010f10abff"), new Uint8Array([0, 1, 15, 16, 171, 255]));
  assert.deepEqual(fromHex("ABff"), new Uint8Array([171, 255]));
  assert.deepEqual(fromHex(""), new Uint8Array(0));
  assert.equal(fromHex("abc"), null);
  assert.equal(fromHex("zz"), null);
  assert.equal(fromHex("0x10"), null);
  assert.equal(fromHex("1 "), null);
  assert.equal(fromHex("+1"), null);
});

Deno.test("rangeOf() is the week only when asked for exactly, else the day", () => {
  assert.equal(rangeOf(new URLSearchParams("range=week")), "week");
  assert.equal(rangeOf(new URLSearchParams("x=1&range=week")), "week");
  assert.equal(rangeOf(new URLSearchParams("")), "day");
  assert.equal(rangeOf(new URLSearchParams("range=day")), "day");
  assert.equal(rangeOf(new URLSearchParams("range=WEEK")), "day");
  assert.equal(rangeOf(new URLSearchParams("range=month")), "day");
  // The first value counts.
  assert.equal(rangeOf(new URLSearchParams("range=day&range=week")), "day");
});

Deno.test("startFailureLine() is one redacted line with the hint of a CaoError", () => {
  assert.equal(
    startFailureLine(new Error("Cannot listen on 127.0.0.1:4455")),
    "error: Cannot listen on 127.0.0.1:4455",
  );
  assert.equal(
    startFailureLine(new UsageError('Cannot use --port "x": expected a whole number', "see --help")),
    'error: Cannot use --port "x": expected a whole number (hint: see --help)',
  );
  assert.equal(startFailureLine(new CaoError("two\n  lines\n")), "error: two lines ");
  assert.equal(startFailureLine("plain"), "error: plain");
  assert.equal(startFailureLine(new CaoError("no hint", { hint: "" })), "error: no hint");
  const line = startFailureLine(new Error("bad key sk-abcdefghijklmnopqrstuvwxyz0123456789"));
  assert.ok(!line.includes("abcdefghijklmnopqrstuvwxyz0123456789"), line);
});

Deno.test("sameWindows() compares the two windows only, and a missing reading as no windows", () => {
  const window = { usedPercent: 40, windowMinutes: 300, resetsAt: 1795262400 };
  const reading = (
    primary: UsageSnapshot["primary"],
    secondary: UsageSnapshot["secondary"],
    source = "headers",
  ) => ({
    primary,
    secondary,
    observedAt: "2026-11-21T12:00:00.000Z",
    source,
  });
  assert.equal(
    sameWindows(reading(window, null), { ...reading({ ...window }, null), observedAt: "later" }),
    true,
  );
  assert.equal(sameWindows(reading(window, null, "headers"), reading(window, null, "rollout")), true);
  assert.equal(sameWindows(reading(window, null), reading({ ...window, usedPercent: 41 }, null)), false);
  assert.equal(sameWindows(reading(window, null), reading(null, window)), false);
  assert.equal(sameWindows(null, null), true);
  assert.equal(sameWindows(null, reading(null, null)), true);
  assert.equal(sameWindows(null, reading(window, null)), false);
});

Deno.test("isEventStream() is a text/event-stream content type, in any case, with parameters", () => {
  const answer = (type: string | null) => ({
    headers: new Headers(type === null ? {} : { "content-type": type }),
  });
  assert.equal(isEventStream(answer("text/event-stream")), true);
  assert.equal(isEventStream(answer("Text/Event-Stream; charset=utf-8")), true);
  assert.equal(isEventStream(answer("application/json")), false);
  assert.equal(isEventStream(answer(null)), false);
  assert.equal(isEventStream(answer("text/plain; x=text/event-stream")), false);
});

Deno.test("stateFrame() is one server-sent `state` event whose data is the HTML as one JSON line", () => {
  assert.equal(stateFrame("<main>a</main>"), 'event: state\ndata: {"html":"<main>a</main>"}\n\n');
  assert.equal(stateFrame('two\nlines "q"'), 'event: state\ndata: {"html":"two\\nlines \\"q\\""}\n\n');
  assert.equal(stateFrame(""), 'event: state\ndata: {"html":""}\n\n');
});
