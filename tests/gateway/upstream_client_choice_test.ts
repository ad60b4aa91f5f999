/**
 * Every upstream exchange goes through the gateway's HTTP/1.1 client, a plain JSON answer as much as a
 * stream (it asks for `accept-encoding: identity`, where Deno's `fetch` asks for compressed bodies), and
 * `CAO_GATEWAY_STREAM_CLIENT=fetch` (`streamViaFetch`) sends both through `fetch`.
 */

import assert from "node:assert/strict";
import { startHarness } from "./gateway_harness.ts";

for (const viaFetch of [false, true]) {
  Deno.test(`a JSON answer and a stream both go through ${viaFetch ? "fetch" : "the HTTP/1.1 client"}`, async () => {
    await using h = await startHarness({ streamViaFetch: viaFetch });
    const models = await fetch(`${h.base}/models`, { headers: { authorization: "Bearer caller" } });
    assert.equal(models.status, 200);
    assert.deepEqual(await models.json(), { models: [] });
    const streamed = await h.respond();
    assert.equal(streamed.status, 200);
    assert.match(await streamed.text(), /response\.completed/);
    const asked = (path: string) =>
      h.mock.requests.find((r) => r.path.endsWith(path))?.headers["accept-encoding"];
    for (const path of ["/models", "/responses"]) {
      if (viaFetch) assert.notEqual(asked(path), "identity", path);
      else assert.equal(asked(path), "identity", path);
    }
  });
}
