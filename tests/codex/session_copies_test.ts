/**
 * Copies of one conversation across homes: the owner a copy names, the account-bound items taken out, and the
 * newest copy brought into the home that runs next.
 */
import assert from "node:assert/strict";
import {
  rewriteSessionOwner,
  sessionProgress,
  stripAccountBoundContent,
  syncSessionCopies,
} from "../../src/codex/session_copies.ts";

const ID = "01a23289-9bc1-75e2-8332-c4efe444f75d";
const META = JSON.stringify({
  timestamp: "2026-12-01T16:56:48.893Z",
  type: "session_meta",
  payload: { account_scoped: true, creator_user_id: "user_acct_a", creator_account_id: "acct_a", id: ID },
});
const TURN = JSON.stringify({
  type: "response_item",
  payload: { type: "message", role: "user", content: [] },
});
const REASONING = JSON.stringify({
  type: "response_item",
  payload: { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "enc_acct_a_1" },
});

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("rewriteSessionOwner() names the new home's login in session_meta and keeps every other byte", () => {
  const rollout = `${META}\n${TURN}\n${REASONING}\n`;
  const out = dec(rewriteSessionOwner(enc(rollout), { accountId: "acct_b", userId: "user_acct_b" }));
  const [first, ...rest] = out.split("\n");
  assert.deepEqual(JSON.parse(first).payload, {
    account_scoped: true,
    creator_user_id: "user_acct_b",
    creator_account_id: "acct_b",
    id: ID,
  });
  assert.equal(rest.join("\n"), `${TURN}\n${REASONING}\n`);
  const same = enc(rollout);
  assert.equal(rewriteSessionOwner(same, { accountId: "acct_a", userId: "user_acct_a" }), same, "unchanged");
  const unscoped = JSON.parse(dec(rewriteSessionOwner(enc(rollout), null)).split("\n")[0]);
  assert.equal(unscoped.payload.account_scoped, false, "no login: visible to every account");
  assert.equal(dec(rewriteSessionOwner(enc("not json\nx"), null)), "not json\nx");
});

Deno.test("stripAccountBoundContent() drops encrypted reasoning and strips other encrypted fields", () => {
  const compacted = JSON.stringify({
    type: "compacted",
    payload: {
      message: "",
      replacement_history: [{ type: "compaction", encrypted_content: "x" }, { type: "m" }],
    },
  });
  const withField = JSON.stringify({
    type: "response_item",
    payload: { type: "custom_tool_call", input: "i", encrypted_content: "y" },
  });
  const { text, removed } = stripAccountBoundContent(
    [META, TURN, REASONING, compacted, withField, ""].join("\n"),
  );
  assert.equal(removed, 3);
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(0, 2), [META, TURN], "untouched lines kept byte for byte");
  assert.equal(text.includes("encrypted_content"), false);
  assert.deepEqual(JSON.parse(lines[2]).payload.replacement_history, [{ type: "m" }]);
  assert.deepEqual(JSON.parse(lines[3]).payload, { type: "custom_tool_call", input: "i" });
});

Deno.test("syncSessionCopies() gives the home that runs next the newest copy, and newer sessions for --last", async () => {
  const root = await Deno.makeTempDir({ prefix: "cao-copies-" });
  try {
    const day = "sessions/2026/12/01";
    const name = `rollout-2026-12-01T16-56-48-${ID}.jsonl`;
    const other = "01a2328b-23a5-7fd0-bd51-4b82ff25a471";
    for (const home of ["a", "b"]) await Deno.mkdir(`${root}/${home}/${day}`, { recursive: true });
    await Deno.writeTextFile(`${root}/a/${day}/${name}`, `${META}\n${TURN}\n`);
    const newer = `${META.replace("acct_a", "acct_b")}\n${TURN}\n${TURN}\n`;
    await Deno.writeTextFile(`${root}/b/${day}/${name}`, newer);
    const owner = { accountId: "acct_a", userId: "user_acct_a" };
    assert.deepEqual(await syncSessionCopies([`${root}/b`], `${root}/a`, owner, { bringNewer: false }), [ID]);
    const synced = await Deno.readTextFile(`${root}/a/${day}/${name}`);
    assert.equal(synced.split("\n").length, 4, "b's extra turn came over");
    assert.equal(JSON.parse(synced.split("\n")[0]).payload.creator_account_id, "acct_a");
    assert.equal(
      await sessionProgress(`${root}/a/${day}/${name}`),
      await sessionProgress(`${root}/b/${day}/${name}`),
    );
    assert.deepEqual(await syncSessionCopies([`${root}/b`], `${root}/a`, owner, { bringNewer: false }), []);

    const later = `${root}/b/${day}/rollout-2026-12-01T17-00-00-${other}.jsonl`;
    await Deno.writeTextFile(later, `${META}\n`);
    // Written after a's newest, as a session started later is: the clock the kernel stamps with is coarse
    // (ticks of a few ms), so two writes in a row can carry the same mtime.
    const newestOfA = (await Deno.stat(`${root}/a/${day}/${name}`)).mtime!.getTime();
    await Deno.utime(later, new Date(newestOfA + 1000), new Date(newestOfA + 1000));
    assert.deepEqual(await syncSessionCopies([`${root}/b`], `${root}/a`, owner, { bringNewer: false }), []);
    assert.deepEqual(await syncSessionCopies([`${root}/b`], `${root}/a`, owner, { bringNewer: true }), [
      other,
    ]);
    assert.equal(
      (await Deno.stat(`${root}/a/${day}/rollout-2026-12-01T17-00-00-${other}.jsonl`)).mode! & 0o777,
      0o600,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
