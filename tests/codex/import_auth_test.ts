import assert from "node:assert/strict";
import { aliasesFromRegistry, nameCandidate, toAccountName } from "../../src/codex/import_auth.ts";
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
