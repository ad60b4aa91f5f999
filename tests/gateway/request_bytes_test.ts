/** bodyBytes()/bodyText(): the bytes the gateway's own server read for a request, else the Request's own body. */

import assert from "node:assert/strict";
import { LiteRequest } from "../../src/gateway/gateway_request.ts";
import { bodyBytes, bodyText } from "../../src/gateway/request_bytes.ts";

Deno.test("bodyBytes() takes a LiteRequest's bytes once, as read; a Request's own body is read as usual", async () => {
  const kept = new TextEncoder().encode('{"kept":true}');
  const signal = new AbortController().signal;
  const served = new LiteRequest("POST", "http://127.0.0.1/x", [], kept, signal);
  assert.equal(await bodyBytes(served), kept, "the very bytes, no copy");
  assert.equal(
    await bodyBytes(served),
    null,
    "taken: the request, held while its answer streams, keeps none",
  );
  assert.equal(
    await bodyText(new LiteRequest("POST", "http://127.0.0.1/x", [], kept, signal)),
    '{"kept":true}',
  );
  assert.equal(await bodyText(new Request("http://127.0.0.1/x", { method: "POST", body: "plain" })), "plain");
  assert.equal(await bodyBytes(new Request("http://127.0.0.1/x")), null);
  assert.equal(await bodyText(new LiteRequest("POST", "http://127.0.0.1/x", [], null, signal)), "");
});
