/** bodyBytes()/bodyText(): the bytes the gateway's own server kept for a request, else the Request's own body. */

import assert from "node:assert/strict";
import { bodyBytes, bodyText, withBodyBytes } from "../../src/gateway/request_bytes.ts";

Deno.test("bodyBytes() hands over the kept bytes once; a Request with its own body is read as usual", async () => {
  const kept = new TextEncoder().encode('{"kept":true}');
  const served = withBodyBytes(new Request("http://127.0.0.1/x", { method: "POST" }), kept);
  assert.equal(await bodyBytes(served), kept);
  assert.equal(await bodyBytes(served), null, "taken once; the Request itself has no body");
  assert.equal(await bodyText(new Request("http://127.0.0.1/x", { method: "POST", body: "plain" })), "plain");
  assert.equal(await bodyBytes(new Request("http://127.0.0.1/x")), null);
  assert.equal(
    await bodyText(withBodyBytes(new Request("http://127.0.0.1/x", { method: "POST" }), null)),
    "",
  );
});
