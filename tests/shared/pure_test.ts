import assert from "node:assert/strict";
import { accountNameProblem, validateAccountName } from "../../src/accounts/account_name.ts";
import { caoPaths, resolveCaoRoot } from "../../src/accounts/paths.ts";
import { UsageError } from "../../src/shared/errors.ts";
import {
  epochToIso,
  formatDuration,
  formatRelative,
  renderTable,
  visibleWidth,
} from "../../src/shared/format.ts";
import { redactSecrets } from "../../src/shared/redact.ts";
import { fakeJwt } from "../support/fake_auth.ts";

Deno.test("accountNameProblem() accepts names, emails and the allowed punctuation", () => {
  for (const name of ["work", "a.b_c-d", "me@example.com", "X".repeat(64), "1"]) {
    assert.equal(accountNameProblem(name), null, name);
  }
});

Deno.test("accountNameProblem() refuses every unsafe name", () => {
  const bad = [
    "registry.json",
    "gateway.log",
    "x.lock",
    ".hidden",
    "w.removed-20261121T120000Z",
    "r.corrupt-1",
    "config.toml",
    "",
    ".",
    "..",
    "a/b",
    "a\\b",
    "../x",
    "with space",
    "x".repeat(65),
    "tab\t",
    "semi;colon",
    "ü",
  ];
  for (const name of bad) assert.notEqual(accountNameProblem(name), null, JSON.stringify(name));
});

Deno.test("validateAccountName() throws a UsageError with exit code 2", () => {
  assert.throws(() => validateAccountName("a/b"), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /Cannot use account name "a\/b": it contains a path separator/);
    return true;
  });
});

Deno.test("resolveCaoRoot() prefers --data-dir, then CAO_HOME, then the user home", () => {
  assert.equal(resolveCaoRoot({ dataDir: "/d", caoHomeEnv: "/e", userHome: "/h" }), "/d");
  assert.equal(resolveCaoRoot({ caoHomeEnv: "/e", userHome: "/h" }), "/e");
  assert.equal(resolveCaoRoot({ caoHomeEnv: "", userHome: "/h" }), "/h/.codex-account-orchestrator");
  const paths = caoPaths("/r");
  assert.equal(paths.authFile("w"), "/r/w/auth.json");
  assert.equal(paths.configFile("w"), "/r/w/config.toml");
  assert.equal(paths.registry, "/r/registry.json");
});

Deno.test("formatDuration() shows the two largest units", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(12_000), "12s");
  assert.equal(formatDuration(3_600_000 + 5 * 60_000 + 7000), "1h 5m");
  assert.equal(formatDuration(2 * 86_400_000 + 3_600_000), "2d 1h");
  assert.equal(formatDuration(86_400_000 + 30_000), "1d");
});

Deno.test("formatRelative() says in/ago", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  assert.equal(formatRelative(new Date("2026-11-21T14:30:00Z"), now), "in 2h 30m");
  assert.equal(formatRelative(new Date("2026-11-21T11:59:00Z"), now), "1m ago");
});

Deno.test("renderTable() aligns columns ignoring colour codes", () => {
  const lines = renderTable(["A", "BB"], [["\x1b[32mxyz\x1b[39m", "1"], ["q", "22"]]);
  // deno-lint-ignore no-control-regex
  assert.deepEqual(lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, "")), ["A    BB", "xyz  1", "q    22"]);
  assert.equal(visibleWidth("\x1b[1mab\x1b[22m"), 2);
});

Deno.test("redactSecrets() hides JWTs, refresh tokens, bearer values and token fields", () => {
  const jwt = fakeJwt({ email: "a@b.c", exp: 1 });
  const text =
    `token ${jwt} rt_abcdefghijkl Bearer secretvalue123 {"refresh_token": "opaque-value"} sk-abcdefghijklmnop`;
  const out = redactSecrets(text);
  for (const secret of [jwt, "rt_abcdefghijkl", "secretvalue123", "opaque-value", "sk-abcdefghijklmnop"]) {
    assert.ok(!out.includes(secret), `${secret} leaked in ${out}`);
  }
  assert.match(out, /Bearer \[redacted\]/);
  assert.match(out, /"refresh_token": "\[redacted\]"/);
  assert.equal(redactSecrets("plain words stay"), "plain words stay");
});

Deno.test("epochToIso() is the ISO time of epoch seconds, fractions kept to the millisecond, or null", () => {
  assert.equal(epochToIso(1795262400), "2026-11-21T12:00:00.000Z");
  assert.equal(epochToIso(0), "1970-01-01T00:00:00.000Z");
  assert.equal(epochToIso(1.5), "1970-01-01T00:00:01.500Z");
  assert.equal(epochToIso(-1), "1969-12-31T23:59:59.000Z");
  assert.equal(epochToIso(null), null);
});
