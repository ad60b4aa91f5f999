/**
 * A conversation's title survives its move to another home: the name is read from the source home (or the
 * first message) and set in the target through the real Codex CLI's own `codex app-server`.
 */
import assert from "node:assert/strict";
import { spawnProcess } from "../../src/codex/spawn.ts";
import { firstUserMessage, lastThreadName, setThreadName } from "../../src/codex/thread_name.ts";
import { codexAvailable, codexBinary, runCodex } from "../support/codex_bin.ts";
import { codexArgsForMock, findRollouts, makeCodexHome } from "../support/codex_home.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";

const ID = "01a2328b-23a5-7fd0-bd51-4b82ff25a471";

Deno.test("lastThreadName() takes the last name of the thread; firstUserMessage() skips Codex's context", () => {
  const index = [
    JSON.stringify({ id: ID, thread_name: "first", updated_at: "1" }),
    JSON.stringify({ id: "other", thread_name: "not this", updated_at: "2" }),
    JSON.stringify({ id: ID, thread_name: "renamed", updated_at: "3" }),
    "{torn",
  ].join("\n");
  assert.equal(lastThreadName(index, ID), "renamed");
  assert.equal(lastThreadName(index, "missing"), null);
  const rollout = [
    JSON.stringify({ type: "session_meta", payload: { id: ID } }),
    JSON.stringify({
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ text: "<environment_context>…" }] },
    }),
    JSON.stringify({
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ text: "fix it" }] },
    }),
  ].join("\n");
  assert.equal(firstUserMessage(rollout), "fix it");
  assert.equal(firstUserMessage(""), null);
});

Deno.test({
  name: "setThreadName() names a copied thread in its new home through codex app-server",
  ignore: !(await codexAvailable()),
  async fn() {
    await using mock = await startMockUpstream();
    await using home = await makeCodexHome({ auth: { accountId: "acct_b" } });
    const made = await runCodex([...codexArgsForMock(mock.url), "exec", "--skip-git-repo-check", "hello"], {
      cwd: home.workdir,
      env: home.env(mock.url),
      timeoutMs: 60_000,
    });
    assert.equal(made.code, 0, made.stderr);
    const id = /([0-9a-f-]{36})\.jsonl$/.exec((await findRollouts(home.home)).at(-1) ?? "")?.[1];
    assert.ok(id);
    const ok = await setThreadName(
      spawnProcess,
      await codexBinary(),
      home.home,
      id,
      "the title it had",
      home.env(mock.url),
      codexArgsForMock(mock.url),
    );
    assert.equal(ok, true);
    const index = await Deno.readTextFile(`${home.home}/session_index.jsonl`);
    assert.equal(lastThreadName(index, id), "the title it had");
  },
});
