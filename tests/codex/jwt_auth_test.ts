import assert from "node:assert/strict";
import {
  codexAuthProblem,
  readAuthFile,
  summarizeAuth,
  tokensWith,
  writeAuthFileLocked,
} from "../../src/codex/auth_file.ts";
import { decodeJwtPayload, readTokenClaims } from "../../src/codex/jwt.ts";
import { fakeAuthJson, fakeJwt } from "../support/fake_auth.ts";

Deno.test("readTokenClaims() reads email, plan, account, user and expiry", () => {
  const claims = readTokenClaims(decodeJwtPayload(fakeJwt({
    "https://api.openai.com/profile": { email: "p@x.io" },
    "https://api.openai.com/auth": { chatgpt_plan_type: "pro", chatgpt_account_id: "acct_9", user_id: "u9" },
    exp: 1800000000,
  })));
  assert.deepEqual(claims, {
    email: "p@x.io",
    plan: "pro",
    accountId: "acct_9",
    userId: "u9",
    expiresAt: 1800000000,
  });
  assert.equal(decodeJwtPayload("not-a-jwt"), null);
  assert.equal(decodeJwtPayload("a.!!!.c"), null);
});

Deno.test("codexAuthProblem() accepts a ChatGPT login and names what is missing otherwise", () => {
  assert.equal(codexAuthProblem(fakeAuthJson()), null);
  assert.match(codexAuthProblem([]) ?? "", /not a JSON object/);
  assert.match(codexAuthProblem({ OPENAI_API_KEY: "sk-x" }) ?? "", /API key/);
  assert.match(codexAuthProblem({}) ?? "", /no tokens/);
  const noRefresh = fakeAuthJson();
  delete (noRefresh.tokens as Record<string, unknown>).refresh_token;
  assert.match(codexAuthProblem(noRefresh) ?? "", /refresh_token is missing/);
  const badId = fakeAuthJson();
  (badId.tokens as Record<string, unknown>).id_token = "plain";
  assert.match(codexAuthProblem(badId) ?? "", /id_token is not a JWT/);
});

Deno.test("tokensWith() lays the non-empty tokens of a source over a login's, keeping its other fields", () => {
  const auth = {
    tokens: { id_token: "id-1", access_token: "a-1", refresh_token: "r-1", account_id: "acct" },
  };
  assert.deepEqual(tokensWith(auth, { access_token: "a-2", refresh_token: "", id_token: 7, scope: "x" }), {
    id_token: "id-1",
    access_token: "a-2",
    refresh_token: "r-1",
    account_id: "acct",
  });
  assert.deepEqual(tokensWith({}, { refresh_token: "r-2" }), { refresh_token: "r-2" });
  assert.equal(auth.tokens.access_token, "a-1", "the login itself is not changed");
});

Deno.test("summarizeAuth() prefers tokens.account_id and never carries a token", () => {
  const auth = fakeAuthJson({ email: "w@x.io", plan: "team", accountId: "acct_claim", exp: 1900000000 });
  (auth.tokens as Record<string, unknown>).account_id = "acct_field";
  const summary = summarizeAuth({ kind: "ok", auth });
  assert.equal(summary.state, "logged-in");
  assert.equal(summary.accountId, "acct_field");
  assert.equal(summary.email, "w@x.io");
  assert.equal(summary.plan, "team");
  assert.equal(summary.accessExpiresAt, 1900000000);
  assert.equal(summary.hasRefreshToken, true);
  const text = JSON.stringify(summary);
  for (const token of Object.values(auth.tokens as Record<string, string>)) {
    if (token !== "acct_field") assert.ok(!text.includes(token));
  }
  assert.equal(summarizeAuth({ kind: "missing" }).state, "not-logged-in");
  assert.equal(summarizeAuth({ kind: "unreadable", reason: "bad" }).state, "unreadable");
  assert.equal(summarizeAuth({ kind: "ok", auth: { OPENAI_API_KEY: "sk-1" } }).state, "api-key");
});

Deno.test("writeAuthFileLocked() keeps unknown fields and writes 0600; readAuthFile() reports bad JSON", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/auth.json`;
    const auth = fakeAuthJson({ extra: { agent_identity: { keep: "me" }, future_field: 42 } });
    await writeAuthFileLocked(path, auth);
    const read = await readAuthFile(path);
    assert.equal(read.kind, "ok");
    assert.deepEqual(read.kind === "ok" ? read.auth : null, auth);
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    for (const lock of ["auth.lock", "auth.json.lock"]) {
      assert.ok((await Deno.stat(`${dir}/${lock}`)).isFile, `written under Codex's ${lock}`);
    }
    await Deno.writeTextFile(path, "{not json");
    const bad = await readAuthFile(path);
    assert.equal(bad.kind, "unreadable");
    assert.equal(await Deno.readTextFile(path), "{not json", "an unreadable auth.json is left as it is");
    assert.equal((await readAuthFile(`${dir}/none.json`)).kind, "missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
