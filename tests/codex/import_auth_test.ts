import assert from "node:assert/strict";
import {
  aliasesFromRegistry,
  nameCandidate,
  newerLoginOnDisk,
  toAccountName,
} from "../../src/codex/import_auth.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";

Deno.test("toAccountName() turns labels into valid names", () => {
  assert.equal(toAccountName("Team Alpha"), "Team-Alpha");
  assert.equal(toAccountName("me@example.com"), "me@example.com");
  assert.equal(toAccountName("  /// "), null);
  assert.equal(toAccountName("x".repeat(80))?.length, 64);
});

Deno.test("aliasesFromRegistry() reads list and map shapes", () => {
  const list = aliasesFromRegistry({
    accounts: [{ account_id: "acct_1", alias: "one" }, { email: "e@x", name: "two" }],
  });
  assert.equal(list.get("acct_1"), "one");
  assert.equal(list.get("e@x"), "two");
  const map = aliasesFromRegistry({ accounts: { key9: { alias: "nine" } } });
  assert.equal(map.get("key9"), "nine");
  assert.equal(aliasesFromRegistry(null).size, 0);
});

Deno.test("nameCandidate() uses the file name, then the alias, then the email", () => {
  const auth = fakeAuthJson({ email: "k@x.io", accountId: "acct_k" });
  assert.equal(nameCandidate("work.json", auth, new Map()), "work");
  assert.equal(nameCandidate("acct_k.auth.json", auth, new Map([["acct_k", "Keyed"]])), "Keyed");
  assert.equal(nameCandidate("acct_k.auth.json", auth, new Map()), "k@x.io");
  assert.equal(nameCandidate("abc.auth.json", null, new Map()), "abc");
});

Deno.test("newerLoginOnDisk() refuses to replace a login renewed after the snapshot", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/auth.json`;
    const onDisk = fakeAuthJson({ accountId: "acct_1", refreshToken: "rt_acct_1_refresh_secret_gen3" });
    onDisk.last_refresh = "2026-11-21T12:00:00Z";
    await Deno.writeTextFile(path, JSON.stringify(onDisk));
    const older = fakeAuthJson({ accountId: "acct_1" });
    older.last_refresh = "2026-11-01T12:00:00Z";
    assert.match((await newerLoginOnDisk(path, older)) ?? "", /refresh token is spent/);
    const newer = { ...older, last_refresh: "2026-11-21T13:00:00Z" };
    assert.equal(await newerLoginOnDisk(path, newer), null);
    const otherLogin = fakeAuthJson({ accountId: "acct_2" });
    otherLogin.last_refresh = "2026-01-01T00:00:00Z";
    assert.equal(await newerLoginOnDisk(path, otherLogin), null, "another login may replace it on purpose");
    assert.equal(await newerLoginOnDisk(`${dir}/missing.json`, older), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
