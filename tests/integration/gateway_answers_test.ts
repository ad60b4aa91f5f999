/**
 * The gateway's own failures as the real Codex CLI 0.169 shows them: at once (one request, no retries), with
 * cao's message, and without the base URL — so the key in `openai_base_url` never reaches the terminal, the
 * rollout or Codex's databases.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { codexAvailable } from "../support/codex_bin.ts";
import { makeCodexHome } from "../support/codex_home.ts";
import { codexExecThroughGateway, type Harness, startHarness, TEST_KEY } from "../gateway/gateway_harness.ts";

const ignore = !(await codexAvailable());

const codexExec = (h: Harness, home: { home: string; workdir: string }) =>
  codexExecThroughGateway(h, home, ["hello"], { timeoutMs: 90_000 });

/** Every file below `dir` that holds `needle` (bytes, so SQLite files count). */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  const bytes = new TextEncoder().encode(needle);
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await filesHolding(path, needle));
    else if (entry.isFile) {
      const data = await Deno.readFile(path);
      outer: for (let i = 0; i + bytes.length <= data.length; i++) {
        for (let j = 0; j < bytes.length; j++) if (data[i + j] !== bytes[j]) continue outer;
        found.push(path);
        break;
      }
    }
  }
  return found;
}

function responsesLogged(h: Harness): string[] {
  return h.logs.filter((l) => / POST \/responses /.test(l));
}

Deno.test({
  name: "codex shows 'no account can be used' at once, without the gateway URL or its key",
  ignore,
  async fn() {
    await using h = await startHarness({ accounts: [{ name: "a", auth: null }] });
    await using user = await makeCodexHome({ auth: null });
    const run = await codexExec(h, user);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /ERROR: cao gateway: no account can be used \(a /);
    assert.equal(responsesLogged(h).length, 1, `one request, no retries:\n${h.logs.join("\n")}`);
    assert.equal(`${run.stdout}\n${run.stderr}`.includes(TEST_KEY), false, "the key is not printed");
    assert.doesNotMatch(run.stderr, /url: http/);
    assert.deepEqual(await filesHolding(user.home, TEST_KEY), [], "the key is in no file of CODEX_HOME");
  },
});

Deno.test({
  name: "codex shows 'the upstream could not be reached' at once",
  ignore,
  async fn() {
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (closed.addr as Deno.NetAddr).port;
    closed.close();
    await using h = await startHarness({ settings: { upstream: `http://127.0.0.1:${port}`, retries: 0 } });
    await using user = await makeCodexHome({ auth: null });
    const run = await codexExec(h, user);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /ERROR: cao gateway: the upstream could not be reached/);
    assert.equal(responsesLogged(h).length, 1, h.logs.join("\n"));
    assert.equal(run.stderr.includes(TEST_KEY), false);
  },
});
