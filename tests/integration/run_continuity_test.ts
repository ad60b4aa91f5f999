/**
 * `cao run` keeps one conversation whole across accounts, with the real Codex CLI 0.169 (`codex exec`) and the
 * loopback mock: `resume --last` after a fallback finds the moved conversation, the account that runs it next
 * continues its newest copy, a limit that arrives inside the stream moves the work, and an account that
 * refuses another's encrypted reasoning gets the conversation once more without it.
 */
import assert from "node:assert/strict";
import type { RecordedRequest } from "../support/mock_upstream.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { runCaoProcess } from "../support/run_cao.ts";
import { makeRunHome, mockArgs, type RunHome } from "../support/run_fixture.ts";
import { codexAvailable } from "../support/codex_bin.ts";

const ignore = !(await codexAvailable());
const ACCOUNTS = [{ name: "a", accountId: "acct_a" }, { name: "b", accountId: "acct_b" }];

function exec(mockUrl: string, ...rest: string[]): string[] {
  return ["run", "--", ...mockArgs(mockUrl), "exec", "--skip-git-repo-check", ...rest];
}

function caoRun(home: RunHome, args: string[]) {
  return runCaoProcess(home, args, { env: home.env, cwd: home.workdir });
}

/** The user texts a request sent (the conversation the upstream saw), without Codex's own context. */
function userTexts(request: RecordedRequest): string[] {
  const input = (request.body as { input?: { role?: string; content?: { text?: string }[] }[] })?.input ?? [];
  return input.filter((item) => item.role === "user").map((item) => item.content?.[0]?.text ?? "")
    .filter((text) => !text.startsWith("<"));
}

function encryptedItems(request: RecordedRequest): unknown[] {
  const input = (request.body as { input?: Record<string, unknown>[] })?.input ?? [];
  return input.filter((item) => "encrypted_content" in item);
}

Deno.test({
  name: "cao run: resume --last after a fallback continues the moved conversation, and its newest copy later",
  ignore,
  async fn() {
    const resetsAt = Math.floor(Date.now() / 1000) + 1800;
    await using mock = await startMockUpstream({
      responses: { acct_a: { kind: "usage_limit", resetsAt }, acct_b: "ok" },
    });
    await using home = await makeRunHome(ACCOUNTS, mock.url);
    const first = await caoRun(home, exec(mock.url, "first prompt"));
    assert.equal(first.code, 0, first.stderr);
    const [onA, onB] = mock.responsesRequests();
    const session = onA.headers["session-id"];
    assert.equal(onB.headers["session-id"], session);

    // a is still cooling down: b runs it, and --last there must be the moved conversation.
    const again = await caoRun(home, exec(mock.url, "resume", "--last", "second prompt"));
    assert.equal(again.code, 0, again.stderr);
    const third = mock.responsesRequests().at(-1)!;
    assert.equal(third.accountId, "acct_b");
    assert.equal(third.headers["session-id"], session, "the same conversation, not a new one");
    assert.deepEqual(userTexts(third).filter((t) => t.endsWith("prompt")), ["first prompt", "second prompt"]);

    // a is free again: it continues the newest copy, with the turn made on b.
    const status = JSON.parse(await Deno.readTextFile(`${home.caoHome}/account_status.json`));
    status.accounts.a.cooldownUntil = null;
    await Deno.writeTextFile(`${home.caoHome}/account_status.json`, JSON.stringify(status));
    mock.setResponses("acct_a", "ok");
    const back = await caoRun(home, exec(mock.url, "resume", "--last", "third prompt"));
    assert.equal(back.code, 0, back.stderr);
    const fourth = mock.responsesRequests().at(-1)!;
    assert.equal(fourth.accountId, "acct_a");
    assert.equal(fourth.headers["session-id"], session);
    assert.deepEqual(
      userTexts(fourth).filter((t) => t.endsWith("prompt")),
      ["first prompt", "second prompt", "third prompt"],
      "no turn made on b is lost",
    );
  },
});

Deno.test({
  name: "cao run: a usage limit inside the stream (response.failed usage_limit_reached) moves the work",
  ignore,
  async fn() {
    const resetsAt = Math.floor(Date.now() / 1000) + 1800;
    await using mock = await startMockUpstream({
      responses: {
        acct_a: {
          kind: "stream_failed",
          code: "usage_limit_reached",
          message: "rate limited",
          headers: {
            "x-codex-primary-used-percent": "100",
            "x-codex-primary-window-minutes": "300",
            "x-codex-primary-reset-at": String(resetsAt),
          },
        },
        acct_b: "ok",
      },
    });
    await using home = await makeRunHome(ACCOUNTS, mock.url);
    const r = await caoRun(home, exec(mock.url, "say hi"));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "hello from acct_b");
    assert.match(r.stderr, /"a" hit its usage limit until .*; continuing the conversation on "b"/);
    const a = JSON.parse(await Deno.readTextFile(`${home.caoHome}/account_status.json`)).accounts.a;
    assert.equal(a.cooldownUntil, new Date(resetsAt * 1000).toISOString());
  },
});

Deno.test({
  name: "cao run: an account that refuses the other's encrypted reasoning gets the conversation without it",
  ignore,
  async fn() {
    const refusal = {
      kind: "status" as const,
      status: 400,
      body: {
        error: {
          message: "The encrypted content could not be verified.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_encrypted_content",
        },
      },
    };
    await using mock = await startMockUpstream({
      responses: {
        acct_a: [{ kind: "ok", reasoning: "enc_acct_a_1" }, { kind: "usage_limit" }],
        acct_b: [refusal, "ok"],
      },
    });
    await using home = await makeRunHome(ACCOUNTS, mock.url);
    assert.equal((await caoRun(home, exec(mock.url, "first prompt"))).code, 0);
    const r = await caoRun(home, exec(mock.url, "resume", "--last", "second prompt"));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "hello from acct_b");
    assert.match(
      r.stderr,
      /"b" cannot read the encrypted reasoning "a" wrote; continuing the conversation there/,
    );
    const onB = mock.responsesRequests("acct_b");
    assert.equal(onB.length, 2);
    assert.equal(encryptedItems(onB[0]).length, 1, "the first try replayed a's reasoning");
    assert.deepEqual(encryptedItems(onB[1]), [], "the second went without it");
    assert.ok(userTexts(onB[1]).includes("first prompt"), "and kept the conversation");
  },
});
