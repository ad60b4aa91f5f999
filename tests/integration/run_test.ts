/**
 * `cao run` end to end: main.ts as a child with explicit permissions, a temp cao home with fake logins, the
 * real Codex CLI 0.169 (`codex exec`) routed to the loopback mock upstream with codex's own `-c` options
 * after `--`. The terminal cases (TUI, `[ -t 1 ]`) are in run_terminal_test.ts.
 */
import assert from "node:assert/strict";
import type { RecordedRequest } from "../support/mock_upstream.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { findRollouts } from "../support/codex_home.ts";
import { runCaoProcess } from "../support/run_cao.ts";
import { makeRunHome, mockArgs, readStatus, type RunHome, startCao } from "../support/run_fixture.ts";
import { waitFor } from "../support/wait.ts";

const ACCOUNTS = [{ name: "a", accountId: "acct_a" }, { name: "b", accountId: "acct_b" }];

/** The user and assistant texts a request sent, in order (the conversation the upstream saw). */
function conversation(request: RecordedRequest): string[] {
  const input = (request.body as { input?: { role?: string; content?: { text?: string }[] }[] })?.input ?? [];
  return input
    .filter((item) => item.role === "user" || item.role === "assistant")
    .map((item) => item.content?.[0]?.text ?? "")
    .filter((text) => !text.startsWith("<"));
}

function exec(mockUrl: string, ...rest: string[]): string[] {
  return ["run", "--", ...mockArgs(mockUrl), "exec", "--skip-git-repo-check", ...rest];
}

function caoRun(home: RunHome, args: string[]) {
  return runCaoProcess(home, args, { env: home.env, cwd: home.workdir });
}

async function sessionIdIn(codexHome: string): Promise<string> {
  const rollouts = await findRollouts(codexHome);
  const match = /([0-9a-f-]{36})\.jsonl$/.exec(rollouts.at(-1) ?? "");
  assert.ok(match, `a rollout in ${codexHome}`);
  return match[1];
}

Deno.test("cao run: a usage limit on the default account continues on the next one", async () => {
  const resetsAt = Math.floor(Date.now() / 1000) + 1800;
  await using mock = await startMockUpstream({
    responses: { acct_a: { kind: "usage_limit", resetsAt }, acct_b: "ok" },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const r = await caoRun(home, exec(mock.url, "say hi"));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "hello from acct_b");
  assert.match(r.stderr, /cao: "a" hit its usage limit until .*; continuing the conversation on "b"/);

  const a = await readStatus(home, "a");
  assert.equal(a.cooldownUntil, new Date(resetsAt * 1000).toISOString(), "cooldown until the mock's reset");
  assert.equal(a.attempts, 1);
  assert.equal(a.failures, 0);
  assert.ok(a.lastQuotaHitAt);
  assert.deepEqual((a.usage as { primary: unknown }).primary, {
    usedPercent: 100,
    windowMinutes: 300,
    resetsAt,
  });
  const b = await readStatus(home, "b");
  assert.equal(b.successes, 1);
  assert.equal(b.cooldownUntil, null);

  const [first, second] = mock.responsesRequests();
  assert.equal(first.accountId, "acct_a");
  assert.equal(second.accountId, "acct_b");
  assert.deepEqual(conversation(second).slice(0, 1), ["say hi"], "b saw the original prompt");
  assert.equal(second.headers["session-id"], first.headers["session-id"], "the same conversation");
});

Deno.test("cao run: a limit in the middle of a conversation hands the whole conversation on", async () => {
  await using mock = await startMockUpstream({
    responses: {
      acct_a: [{ kind: "ok", text: "first answer from a" }, { kind: "usage_limit" }, {
        kind: "ok",
        text: "third",
      }],
      acct_b: { kind: "ok", text: "second answer from b" },
    },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const one = await caoRun(home, exec(mock.url, "turn one"));
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout.trim(), "first answer from a");
  const id = await sessionIdIn(`${home.caoHome}/a`);

  const two = await caoRun(home, exec(mock.url, "resume", id, "turn two"));
  assert.equal(two.code, 0, two.stderr);
  assert.equal(two.stdout.trim(), "second answer from b");
  const onB = mock.responsesRequests("acct_b");
  assert.equal(onB.length, 1);
  const seen = conversation(onB[0]);
  assert.deepEqual(
    seen.slice(0, 3),
    ["turn one", "first answer from a", "turn two"],
    "b saw the earlier turns",
  );
  assert.match(seen.at(-1)!, /continue/i, "and was asked to continue");

  await t_pinnedResumeBringsFreshestCopy(home, mock.url, id, mock);
});

/** `--account a` while a cools down: runs anyway, with b's newer copy of the session. */
async function t_pinnedResumeBringsFreshestCopy(
  home: RunHome,
  mockUrl: string,
  id: string,
  mock: { responsesRequests(id?: string): RecordedRequest[] },
) {
  const three = await runCaoProcess(home, [
    "run",
    "--account",
    "a",
    "--",
    ...exec(mockUrl).slice(2),
    "resume",
    id,
    "turn three",
  ], {
    env: home.env,
    cwd: home.workdir,
  });
  assert.equal(three.code, 0, three.stderr);
  assert.match(three.stderr, /"a" is cooling down until .*running it anyway/);
  const last = mock.responsesRequests("acct_a").at(-1)!;
  const seen = conversation(last);
  assert.ok(seen.includes("second answer from b"), `a resumed from b's newer copy: ${JSON.stringify(seen)}`);
  assert.equal(seen.at(-1), "turn three");
}

Deno.test("cao run: any other failure is passed through, never retried on another account", async () => {
  await using mock = await startMockUpstream({
    responses: { acct_a: { kind: "status", status: 500, body: { error: { message: "boom" } } } },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);
  // A custom provider with no retries makes codex give up on the first 500 (the built-in one retries ~25 s).
  const provider = [
    "-c",
    'model_provider="mock"',
    "-c",
    `model_providers.mock={name="mock",base_url="${mock.url}",wire_api="responses",requires_openai_auth=true,` +
    `request_max_retries=0,stream_max_retries=0}`,
  ];
  const r = await caoRun(home, [
    "run",
    "--",
    ...mockArgs(mock.url),
    ...provider,
    "exec",
    "--skip-git-repo-check",
    "hi",
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /cao: codex failed on "a" .*only usage limits move the work/);
  assert.equal(mock.responsesRequests("acct_b").length, 0, "no fallback");
  const a = await readStatus(home, "a");
  assert.equal(a.failures, 1);
  assert.equal(a.cooldownUntil, null);
  assert.match(String(a.lastError), /high demand/);
});

Deno.test("cao run: when every account is limited it names the first reset and fails", async () => {
  const now = Math.floor(Date.now() / 1000);
  await using mock = await startMockUpstream({
    responses: {
      acct_a: { kind: "usage_limit", resetsAt: now + 7200 },
      acct_b: { kind: "usage_limit", resetsAt: now + 3600 },
    },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const r = await caoRun(home, exec(mock.url, "hi"));
  assert.equal(r.code, 1, r.stderr);
  const firstReset = new Date((now + 3600) * 1000).toISOString().slice(0, 16).replace("T", " ");
  assert.match(r.stderr, /continuing the conversation on "b"/);
  assert.ok(
    r.stderr.includes(
      `error: Cannot continue: every account is cooling down; "b" resets first, at ${firstReset}`,
    ),
    r.stderr,
  );
  assert.match(r.stderr, /hint: .*cao run --wait/);
  assert.equal(mock.responsesRequests().length, 2);

  const again = await caoRun(home, exec(mock.url, "hi"));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /error: Cannot run codex: every account is cooling down; "b" resets first/);
  assert.equal(mock.responsesRequests().length, 2, "nothing ran while both cool down");
});

Deno.test("cao run --wait sleeps until the first reset and then continues", async () => {
  // b resets a few seconds from now (a reset that has already passed when b hits its limit, on a slow
  // machine, makes a one-second cooldown); the test waits about this long.
  const soon = Math.floor(Date.now() / 1000) + 3;
  await using mock = await startMockUpstream({
    responses: {
      acct_a: { kind: "usage_limit", resetsAt: soon + 3600 },
      acct_b: [{ kind: "usage_limit", resetsAt: soon }, { kind: "ok", text: "after the wait" }],
    },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const r = await caoRun(home, ["run", "--wait", ...exec(mock.url, "hi").slice(1)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "after the wait");
  assert.match(r.stderr, /cao: every account is cooling down; waiting for "b" to reset at/);
  assert.match(r.stderr, /cao: continuing the conversation on "b"/);
  const b = await readStatus(home, "b");
  assert.equal(b.cooldownUntil, null, "the expired cooldown cleared itself");
  assert.equal(b.successes, 1);
  const last = mock.responsesRequests("acct_b").at(-1)!;
  assert.deepEqual(conversation(last).slice(0, 1), ["hi"]);
});

Deno.test("cao run --no-fallback and --account keep to one account", async () => {
  await using mock = await startMockUpstream({
    responses: { acct_a: { kind: "usage_limit" }, acct_b: "ok" },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const r = await caoRun(home, ["run", "--no-fallback", ...exec(mock.url, "hi").slice(1)]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /cao: "a" hit its usage limit until .*; not continuing on another account \(--no-fallback\)/,
  );
  assert.equal(mock.responsesRequests("acct_b").length, 0);

  const b = await caoRun(home, ["run", "--account", "b", ...exec(mock.url, "hi").slice(1)]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stdout.trim(), "hello from acct_b");

  const unknown = await caoRun(home, ["run", "--account", "nobody", "--", "exec", "hi"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Cannot find account "nobody"/);
});

Deno.test("cao run forwards SIGINT to codex, exits 130, and blames no account", async () => {
  await using mock = await startMockUpstream({
    responses: { acct_a: { kind: "ok", text: "a slow answer", deltas: 40, eventDelayMs: 250 } },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const cao = startCao(home, exec(mock.url, "take your time"));
  try {
    await waitFor(() => mock.streams.some((s) => s.eventsSent > 2), {
      what: "codex to start streaming",
      timeoutMs: 30_000,
    });
    Deno.kill(cao.pid, "SIGINT");
  } finally {
    const r = await cao.result;
    assert.equal(r.code, 130, r.stderr);
  }
  assert.equal(await mock.streams[0].finished, "aborted", "codex stopped the request");
  assert.equal(mock.responsesRequests("acct_b").length, 0, "no fallback");
  const rollout = await Deno.readTextFile((await findRollouts(`${home.caoHome}/a`))[0]);
  assert.match(rollout, /"turn_aborted".*"reason":"interrupted"/, "codex itself saw the interrupt");
  const a = await readStatus(home, "a");
  assert.equal(a.attempts, 1);
  assert.equal(a.failures, 0);
  assert.equal(a.cooldownUntil, null);
});

Deno.test("cao run: a second cao run leaves the account the first one is using and runs on the next", async () => {
  await using mock = await startMockUpstream({
    responses: {
      acct_a: { kind: "ok", text: "a slow answer", deltas: 120, eventDelayMs: 250 },
      acct_b: "ok",
    },
  });
  await using home = await makeRunHome(ACCOUNTS, mock.url);

  const first = startCao(home, exec(mock.url, "take your time"));
  try {
    await waitFor(() => mock.streams.some((s) => s.eventsSent > 2), {
      what: "the first codex to start streaming",
      timeoutMs: 30_000,
    });
    const second = await caoRun(home, exec(mock.url, "meanwhile"));
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), "hello from acct_b");
    assert.match(second.stderr, /cao: "a" is in use by another cao run; using "b" instead/);
    assert.equal(mock.responsesRequests("acct_a").length, 1, "only the first run's request went to a");
  } finally {
    Deno.kill(first.pid, "SIGINT");
    const r = await first.result;
    assert.equal(r.code, 130, r.stderr);
  }
  const b = await readStatus(home, "b");
  assert.equal(b.attempts, 1);
  assert.equal(b.successes, 1);
});
