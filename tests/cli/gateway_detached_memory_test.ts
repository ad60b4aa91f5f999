/**
 * The detached gateway runs with the capped young generation (GATEWAY_V8_FLAGS) and lazy dynamic imports
 * (LAZY_IMPORTS_FLAG), and still moves a long conversation: a 40 MiB request, parsed and rewritten on a
 * failover, goes through that process intact.
 */
import assert from "node:assert/strict";
import { openCaoHome } from "../../src/accounts/cao_home.ts";
import { GATEWAY_V8_FLAGS, LAZY_IMPORTS_FLAG } from "../../src/gateway/detached.ts";
import { sseText, writeAccount } from "../gateway/gateway_harness.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { startDetachedGateway } from "../support/detached_gateway.ts";
import { makeTempHome, runCaoProcess } from "../support/run_cao.ts";

Deno.test("a detached gateway runs with GATEWAY_V8_FLAGS and LAZY_IMPORTS_FLAG and moves a 40 MiB conversation on a failover", async () => {
  await using home = await makeTempHome();
  await using mock = await startMockUpstream({
    responses: { acct_a: ["ok", { kind: "usage_limit" }], acct_b: { kind: "ok", text: "moved" } },
  });
  const cao = openCaoHome(home.caoHome, () => new Date(), () => {});
  for (const name of ["a", "b"]) await writeAccount(cao, { name });
  const env = { CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mock.url}/oauth/token` };
  const gateway = await startDetachedGateway(home, mock.url, { env });
  try {
    for (const flag of [GATEWAY_V8_FLAGS, LAZY_IMPORTS_FLAG]) {
      if (gateway.args) assert.ok(gateway.args.includes(flag), `${flag} in ${gateway.args.join(" ")}`);
    }
    const base = `${gateway.url}/k/${gateway.proxyKey}`;
    const send = (body: unknown) =>
      fetch(`${base}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", "session-id": "s1" },
        body: JSON.stringify(body),
      });
    const first = await send({ model: "m", input: [] });
    const firstText = await first.text();
    assert.match(firstText, /response\.completed/, `${first.status} ${firstText}`);
    const text = "m".repeat(40 * 1024 * 1024);
    const input = [
      { type: "reasoning", encrypted_content: "e".repeat(2 * 1024 * 1024) },
      { type: "message", role: "user", content: [{ type: "input_text", text }] },
    ];
    const moved = await send({ model: "m", input, stream: true });
    assert.equal(moved.status, 200);
    assert.equal(sseText(await moved.text()), "moved");
    const [onB] = mock.responsesRequests("acct_b");
    const seen = onB.body as { input: { type: string; content: { text: string }[] }[] };
    assert.deepEqual(seen.input.map((i) => i.type), ["message"]);
    assert.equal(seen.input[0].content[0].text.length, text.length);
  } finally {
    const stopped = await runCaoProcess(home, ["gateway", "stop"], { env });
    assert.equal(stopped.code, 0, stopped.stderr);
  }
});
