/**
 * Pure parts of the codex layer with literal inputs: the version in `codex --version` output and how two
 * versions compare, login identities and duplicate logins, which codex invocations pick a session and which
 * of their options are configuration, profile file names, the account-bound refusal of a turn.
 */

import assert from "node:assert/strict";
import { compareVersions, parseCodexVersion } from "../../src/codex/codex_command.ts";
import { type AccountSummary, loginIdentity, markDuplicates } from "../../src/codex/account_summary.ts";
import type { LoginSummary } from "../../src/codex/auth_file.ts";
import { loginSummary } from "../support/login_summary.ts";
import { configOptions, parseCodexArgs, picksSession } from "../../src/codex/codex_args.ts";
import { isProfileFile } from "../../src/codex/codex_setup.ts";
import { isAccountBoundRefusal } from "../../src/codex/rollout.ts";
import { candidateNamed } from "../../src/codex/import_default.ts";
import type { ImportCandidate } from "../../src/codex/import_auth.ts";
import type { CodexAuthDoc } from "../../src/codex/auth_file.ts";
import { fakeAuthJson, fakeJwt } from "../support/fake_auth.ts";
import { loginFacts, sharedRefreshTokens } from "../../src/codex/login_copies.ts";

const ID = "01a1fe7c-ef3e-7e72-acbd-76a3bb91d9e4";

function summary(name: string, fields: Partial<LoginSummary>): AccountSummary {
  return { name, isDefault: false, position: 1, login: loginSummary(fields), duplicateOf: ["stale"] };
}

Deno.test("parseCodexVersion() finds the first x.y.z (with a pre-release tag) in the output", () => {
  assert.equal(parseCodexVersion("codex-cli 0.169.0\n"), "0.169.0");
  assert.equal(parseCodexVersion("codex-cli 0.171.0-alpha.2"), "0.171.0-alpha.2");
  assert.equal(parseCodexVersion("warning: old node 18.2.0\ncodex-cli 0.169.0"), "18.2.0");
  assert.equal(parseCodexVersion("codex-cli 1.2"), null);
  assert.equal(parseCodexVersion(""), null);
  // The tag ends at the first character outside [0-9A-Za-z.-].
  assert.equal(parseCodexVersion("v10.20.30+build.5"), "10.20.30");
});

Deno.test("compareVersions() compares each dotted part as a number", () => {
  assert.equal(compareVersions("0.169.0", "0.169.0"), 0);
  assert.ok(compareVersions("0.99.0", "0.169.0") < 0);
  assert.ok(compareVersions("0.170.0", "0.169.9") > 0);
  assert.ok(compareVersions("1.0.0", "0.999.999") > 0);
  // A missing part counts as 0.
  assert.equal(compareVersions("0.169", "0.169.0"), 0);
  assert.ok(compareVersions("0.169", "0.169.1") < 0);
  // A pre-release tag's words count as 0 and its numbers as parts: 0.169.0-alpha equals 0.169.0, and
  // 0.169.0-alpha.2 sorts after it (cao only asks whether a version is below the supported one).
  assert.equal(compareVersions("0.169.0-alpha", "0.169.0"), 0);
  assert.ok(compareVersions("0.169.0-alpha.2", "0.169.0") > 0);
  assert.ok(compareVersions("0.168.9-alpha.9", "0.169.0") < 0);
});

Deno.test("loginIdentity() is account id plus user id, else email; none without an account id", () => {
  assert.equal(
    loginIdentity(loginSummary({ accountId: "acc", userId: "user", email: "a@example.com" })),
    "acc|user",
  );
  assert.equal(
    loginIdentity(loginSummary({ accountId: "acc", email: "a@example.com" })),
    "acc|a@example.com",
  );
  assert.equal(loginIdentity(loginSummary({ accountId: "acc" })), "acc|");
  assert.equal(loginIdentity(loginSummary({ userId: "user", email: "a@example.com" })), null);
});

Deno.test("markDuplicates() lists, for each account, the others holding the same login", () => {
  const marked = markDuplicates([
    summary("a", { accountId: "acc-1", userId: "u1" }),
    summary("b", { accountId: "acc-1", userId: "u2" }),
    summary("c", { accountId: "acc-1", userId: "u1" }),
    summary("d", { accountId: null, userId: "u1" }),
    summary("e", { accountId: null, userId: "u1" }),
    summary("f", { accountId: "acc-1", userId: "u1" }),
  ]);
  assert.deepEqual(marked.map((s) => [s.name, s.duplicateOf]), [
    ["a", ["c", "f"]],
    ["b", []],
    ["c", ["a", "f"]],
    // Without an account id there is no identity to share.
    ["d", []],
    ["e", []],
    ["f", ["a", "c"]],
  ]);
  assert.deepEqual(markDuplicates([]), []);
});

Deno.test("picksSession() is resume or fork without a session id, for the TUI and exec", () => {
  assert.equal(picksSession(parseCodexArgs(["resume"])), true);
  assert.equal(picksSession(parseCodexArgs(["fork", "--last"])), true);
  assert.equal(picksSession(parseCodexArgs(["exec", "resume", "--last", "go on"])), true);
  assert.equal(picksSession(parseCodexArgs(["resume", ID])), false);
  assert.equal(picksSession(parseCodexArgs(["exec", "fork", ID.toUpperCase(), "go on"])), false);
  assert.equal(picksSession(parseCodexArgs([])), false);
  assert.equal(picksSession(parseCodexArgs(["exec", "say hi"])), false);
  assert.equal(picksSession(parseCodexArgs(["login"])), false);
});

Deno.test("configOptions() keeps -c/--config/--enable/--disable before the subcommand, in order", () => {
  assert.deepEqual(
    configOptions(parseCodexArgs([
      "-m",
      "o3",
      "-c",
      "a=1",
      "--enable",
      "x",
      "--config=b=2",
      "--disable",
      "y",
      "login",
      "-c",
      "after=1",
    ])),
    ["-c", "a=1", "--enable", "x", "--config=b=2", "--disable", "y"],
  );
  assert.deepEqual(configOptions(parseCodexArgs(["-m", "o3", "--search"])), []);
  assert.deepEqual(configOptions(parseCodexArgs([])), []);
});

Deno.test("isProfileFile() is a <name>.config.toml that is not hidden", () => {
  assert.equal(isProfileFile("work.config.toml"), true);
  assert.equal(isProfileFile("a.b.config.toml"), true);
  assert.equal(isProfileFile("config.toml"), false);
  assert.equal(isProfileFile(".config.toml"), false);
  assert.equal(isProfileFile(".work.config.toml"), false);
  assert.equal(isProfileFile("work.config.toml.bak"), false);
  assert.equal(isProfileFile("work-config.toml"), false);
});

Deno.test("isAccountBoundRefusal() is a completed turn whose error names invalid_encrypted_content", () => {
  const completed = (message: string | null) => ({
    kind: "completed" as const,
    at: null,
    error: message === null ? null : { message, info: null },
    rateLimits: null,
  });
  assert.equal(
    isAccountBoundRefusal(completed('{"error":{"code":"invalid_encrypted_content","message":"x"}}')),
    true,
  );
  assert.equal(isAccountBoundRefusal(completed("stream error: invalid_encrypted_content")), true);
  assert.equal(isAccountBoundRefusal(completed("usage_limit_reached")), false);
  assert.equal(isAccountBoundRefusal(completed("")), false);
  assert.equal(isAccountBoundRefusal(completed(null)), false);
  assert.equal(
    isAccountBoundRefusal({ kind: "aborted", at: null, reason: "interrupted", rateLimits: null }),
    false,
  );
});

Deno.test("candidateNamed() finds a candidate by name, file stem, base64url stem, or user::account id", () => {
  const candidate = (
    file: string,
    name: string,
    auth: Record<string, unknown> | null = null,
  ): ImportCandidate => ({
    file,
    name,
    auth: auth as CodexAuthDoc | null,
    problem: null,
  });
  const candidates = [
    candidate("/src/accounts/work.auth.json", "work"),
    candidate("/src/accounts/personal.json", "me"),
    // base64url("a+b@example.com") without padding.
    candidate("/src/accounts/YStiQGV4YW1wbGUuY29t.json", "ab"),
    candidate("/src/accounts/opaque.json", "opaque", fakeAuthJson({ accountId: "acct_9", userId: "user_9" })),
    candidate("/src/accounts/broken.json", "broken", null),
  ];
  const found = (value: string) => candidateNamed(candidates, value)?.name;
  assert.equal(found("work"), "work");
  assert.equal(found("  work\n"), "work");
  assert.equal(found("me"), "me");
  assert.equal(found("personal"), "me");
  assert.equal(found("a+b@example.com"), "ab");
  assert.equal(found("user_9::acct_9"), "opaque");
  assert.equal(found("acct_9::user_9"), undefined);
  assert.equal(found("work.auth"), undefined);
  assert.equal(found("nobody"), undefined);
  assert.equal(candidateNamed([], "work"), undefined);
});

Deno.test("loginFacts() reads the tokens, the identity and the access expiry of an auth document", () => {
  const auth = fakeAuthJson({ accountId: "acct_1", userId: "user_1", exp: 1795262400, refreshToken: "rt_1" });
  const facts = loginFacts("/h/work/auth.json", auth as CodexAuthDoc);
  assert.deepEqual({ ...facts, accessToken: facts.accessToken !== null }, {
    path: "/h/work/auth.json",
    refreshToken: "rt_1",
    accessToken: true,
    identity: "acct_1|user_1",
    expiresAt: 1795262400,
    lastRefresh: "2026-11-21T10:00:00.000Z",
  });
  // tokens.account_id wins over the claim; without a user id the email is the user.
  const other = loginFacts("/x", {
    tokens: {
      id_token: fakeJwt({
        email: "a@example.com",
        "https://api.openai.com/auth": { chatgpt_account_id: "acct_claim" },
      }),
      account_id: "acct_file",
      refresh_token: "",
    },
  } as CodexAuthDoc);
  assert.deepEqual(other, {
    path: "/x",
    refreshToken: null,
    accessToken: null,
    identity: "acct_file|a@example.com",
    expiresAt: null,
    lastRefresh: null,
  });
  assert.deepEqual(loginFacts("/y", { OPENAI_API_KEY: "sk-x" } as CodexAuthDoc), {
    path: "/y",
    refreshToken: null,
    accessToken: null,
    identity: null,
    expiresAt: null,
    lastRefresh: null,
  });
});

Deno.test("sharedRefreshTokens() groups the paths holding one refresh token, two or more only", () => {
  const fact = (path: string, refreshToken: string | null) => ({
    path,
    refreshToken,
    accessToken: null,
    identity: null,
    expiresAt: null,
    lastRefresh: null,
  });
  assert.deepEqual(
    sharedRefreshTokens([
      fact("/a", "rt_1"),
      fact("/b", "rt_2"),
      fact("/c", "rt_1"),
      fact("/d", null),
      fact("/e", null),
      fact("/f", "rt_2"),
      fact("/g", "rt_3"),
      fact("/h", "rt_1"),
    ]),
    [["/a", "/c", "/h"], ["/b", "/f"]],
  );
  assert.deepEqual(sharedRefreshTokens([fact("/a", "rt_1")]), []);
  assert.deepEqual(sharedRefreshTokens([]), []);
});
