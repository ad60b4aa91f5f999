import assert from "node:assert/strict";
import { listRolloutFiles, RolloutWatcher } from "../../src/codex/rollout_watch.ts";
import { findSession, sessionRelativePath, transferSession } from "../../src/codex/session_transfer.ts";

const A = "01a1fe7c-ef3e-7e72-acbd-76a3bb91d9e4";
const B = "01a1fe7d-b636-70c0-aa2d-7076407b581c";
const DAY = "sessions/2026/11/21";

function event(payload: Record<string, unknown>, timestamp = "2026-11-21T14:00:00.000Z"): string {
  return JSON.stringify({ timestamp, type: "event_msg", payload }) + "\n";
}
const OK = event({ type: "task_complete", turn_id: "t1", last_agent_message: "hi" });
const TOKENS = event({
  type: "token_count",
  info: null,
  rate_limits: {
    primary: { used_percent: 100, window_minutes: 300, resets_at: 1795273079 },
    secondary: null,
  },
});
const LIMIT = event({
  type: "task_complete",
  error: { message: "You’ve hit your usage limit.", codex_error_info: "usage_limit_exceeded" },
});

async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "cao-rollouts-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

async function append(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text, { append: true });
}

Deno.test("RolloutWatcher reports only what is appended after it started, across polls", async () => {
  await using dir = await tempDir();
  const old = `${dir.path}/${DAY}/rollout-2026-11-21T14-00-00-${A}.jsonl`;
  await append(old, OK);
  let clock = new Date(2026, 10, 21, 14, 0, 0); // local time, matching DAY
  const watcher = await RolloutWatcher.start(dir.path, () => clock);
  assert.deepEqual(await watcher.poll(), []);

  await append(old, TOKENS);
  await append(old, LIMIT.slice(0, 40));
  assert.deepEqual(await watcher.poll(), [], "a partial line waits for the rest");
  await append(old, LIMIT.slice(40));
  const ends = await watcher.poll();
  assert.equal(ends.length, 1);
  assert.equal(ends[0].sessionId, A);
  assert.equal(ends[0].rolloutPath, old);
  assert.equal(ends[0].end.kind === "completed" && ends[0].end.error?.info, "usage_limit_exceeded");
  assert.equal(ends[0].end.rateLimits?.primary?.resetsAt, 1795273079);
  assert.equal(watcher.latestRateLimits?.primary?.usedPercent, 100);

  const fresh = `${dir.path}/${DAY}/rollout-2026-11-21T14-05-00-${B}.jsonl`;
  await append(fresh, OK);
  const more = await watcher.poll();
  assert.deepEqual(more.map((e) => e.sessionId), [B], "a new session in today's folder is seen at once");
  assert.deepEqual(watcher.touched.map((t) => t.sessionId).sort(), [A, B].sort());

  const C = "01a1fe7d-0000-7000-8000-000000000000";
  const older = `${dir.path}/sessions/2026/10/01/rollout-2026-10-01T09-00-00-${C}.jsonl`;
  await append(older, OK);
  assert.deepEqual(await watcher.poll(), [], "other folders wait for the next full scan");
  clock = new Date(clock.getTime() + 5000);
  assert.deepEqual((await watcher.poll()).map((e) => e.sessionId), [C]);
  await append(older, OK);
  assert.equal((await watcher.poll()).length, 1, "a followed file is read on every poll");
});

Deno.test("RolloutWatcher copes with a home that has no sessions yet", async () => {
  await using dir = await tempDir();
  const watcher = await RolloutWatcher.start(`${dir.path}/missing`);
  assert.deepEqual(await watcher.poll(), []);
  assert.deepEqual(await listRolloutFiles(`${dir.path}/missing`), []);
});

Deno.test("transferSession() copies a rollout to the same relative path, 0600, and finds the freshest copy", async () => {
  await using dir = await tempDir();
  const from = `${dir.path}/a`;
  const to = `${dir.path}/b`;
  const source = `${from}/${DAY}/rollout-2026-11-21T14-00-00-${A}.jsonl`;
  await append(source, OK + LIMIT);
  assert.equal(sessionRelativePath(from, source), `2026/11/21/rollout-2026-11-21T14-00-00-${A}.jsonl`);

  const target = await transferSession(from, source, to);
  assert.equal(target, `${to}/${DAY}/rollout-2026-11-21T14-00-00-${A}.jsonl`);
  assert.equal(await Deno.readTextFile(target), OK + LIMIT);
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(target)).mode! & 0o777, 0o600);

  await append(target, OK);
  const found = await findSession([from, to], A.toUpperCase());
  assert.equal(found?.codexHome, to, "the copy that grew is the freshest");
  assert.equal(await findSession([from, to], B), null);

  await append(source, TOKENS);
  await transferSession(from, source, to);
  assert.equal(await Deno.readTextFile(target), OK + LIMIT + TOKENS, "a changed source replaces the copy");
});
