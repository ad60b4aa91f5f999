/**
 * LiteRequest, what the gateway's own server hands its handler, reads as the `Request` it stands in for:
 * the same header values and order, the same refusals, and a real `Request` made from it for the dashboard.
 */

import assert from "node:assert/strict";
import { LiteRequest, webRequest } from "../../src/gateway/gateway_request.ts";

const FIELDS: [string, string][] = [
  ["x-b", "2"],
  ["accept", "text/event-stream"],
  ["x-a", "1"],
  ["x-b", "3"],
  ["session-id", "s1"],
];

Deno.test("LiteRequest headers read as Headers would: combined repeats, case-blind get, sorted iteration", () => {
  const lite = new LiteRequest(
    "POST",
    "http://127.0.0.1/k/x/responses",
    FIELDS,
    null,
    new AbortController().signal,
  );
  const real = new Headers(FIELDS);
  for (const name of ["x-b", "X-B", "accept", "Session-Id", "missing"]) {
    assert.equal(lite.headers.get(name), real.get(name), name);
  }
  assert.deepEqual([...lite.headers], [...real]);
  const seen: [string, string][] = [];
  lite.headers.forEach((value, name) => seen.push([name, value]));
  const expected: [string, string][] = [];
  real.forEach((value, name) => expected.push([name, value]));
  assert.deepEqual(seen, expected);
});

Deno.test("LiteRequest refuses a header value a Request refuses", () => {
  const signal = new AbortController().signal;
  for (const value of ["a\0b", "a\nb", "a\rb"]) {
    assert.throws(() => new Headers([["x-bad", value]]), TypeError);
    assert.throws(
      () => new LiteRequest("GET", "http://127.0.0.1/", [["x-bad", value]], null, signal),
      TypeError,
    );
  }
});

Deno.test("webRequest() makes the same request as a Request: method, URL, headers, body and signal", async () => {
  const controller = new AbortController();
  const body = new TextEncoder().encode('{"a":1}');
  const made = webRequest(
    new LiteRequest("POST", "http://127.0.0.1/d/?x=1", FIELDS, body, controller.signal),
  );
  assert.ok(made instanceof Request);
  assert.equal(made.method, "POST");
  assert.equal(made.url, "http://127.0.0.1/d/?x=1");
  assert.deepEqual([...made.headers], [...new Headers(FIELDS)]);
  assert.equal(await made.text(), '{"a":1}');
  controller.abort();
  assert.equal(made.signal.aborted, true);
  const real = new Request("http://127.0.0.1/");
  assert.equal(webRequest(real), real, "a Request is passed as it is");
  assert.equal(
    await new LiteRequest("GET", "http://127.0.0.1/", [], null, controller.signal).arrayBuffer().then((b) =>
      b.byteLength
    ),
    0,
  );
});

Deno.test("LiteRequest keeps the URL the server parsed, and parses its url once when given none", () => {
  const signal = new AbortController().signal;
  const parsed = new URL("http://127.0.0.1/k/x/responses?a=1");
  const given = new LiteRequest("POST", parsed.href, [], null, signal, parsed);
  assert.equal(given.parsedUrl, parsed);
  const lazy = new LiteRequest("GET", "http://127.0.0.1/d/?x=%41", [], null, signal);
  assert.equal(lazy.parsedUrl.pathname, "/d/");
  assert.equal(lazy.parsedUrl.search, "?x=%41");
  assert.equal(lazy.parsedUrl, lazy.parsedUrl);
});
