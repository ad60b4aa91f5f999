/**
 * The JSON of the account commands (README "JSON"): `list`, `current`, `reserve`, `import` and
 * `gateway status` each print one versioned document, also when there is nothing to show.
 */
import assert from "node:assert/strict";
import { closedObject, type JsonSchema, validateJson } from "../support/json_schema.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

const str: JsonSchema = { type: "string" };
const strOrNull: JsonSchema = { type: ["string", "null"] };
const version: JsonSchema = { type: "integer", enum: [1] };

const ACCOUNT: JsonSchema = {
  ...closedObject({
    name: str,
    default: { type: "boolean" },
    position: { type: "integer", minimum: 1 },
    loggedIn: { type: "boolean" },
    loginState: { enum: ["logged-in", "api-key", "not-logged-in", "unreadable"] },
    loginProblem: strOrNull,
    email: strOrNull,
    plan: strOrNull,
    accountId: strOrNull,
    userId: strOrNull,
    accessTokenExpiresAt: strOrNull,
    accessTokenExpiresAtEpoch: { type: ["integer", "null"] },
    hasRefreshToken: { type: "boolean" },
    lastRefresh: strOrNull,
    duplicateOf: { type: "array", items: str },
    home: str,
    status: { type: "object" },
  }),
};
ACCOUNT.required = ACCOUNT.required!.filter((field) => field !== "status");

const LIST = closedObject({
  schemaVersion: version,
  home: str,
  defaultAccount: strOrNull,
  accounts: { type: "array", items: ACCOUNT },
});
const CURRENT = closedObject({
  schemaVersion: version,
  home: str,
  account: { ...ACCOUNT, type: ["object", "null"] },
});
const RESERVE = closedObject({
  schemaVersion: version,
  account: str,
  reservePercent: { type: ["number", "null"] },
  changed: { type: "boolean" },
});
const IMPORT = closedObject({
  schemaVersion: version,
  outcomes: {
    type: "array",
    items: closedObject({
      file: str,
      name: str,
      result: { enum: ["imported", "replaced", "skipped", "invalid"] },
      reason: strOrNull,
    }),
  },
  defaultAccount: { type: ["object", "null"] },
});
const GATEWAY_DOWN = closedObject({
  schemaVersion: version,
  running: { enum: [false] },
  url: str,
  reason: str,
});

function parsed(stdout: string, schema: JsonSchema): Record<string, unknown> {
  const value = JSON.parse(stdout);
  assert.deepEqual(validateJson(value, schema), []);
  return value;
}

Deno.test("list, current and gateway status print versioned JSON on an empty home", async () => {
  await using home = await makeTempHome();
  const list = await runCaoInProcess(home, ["list", "--json"]);
  assert.equal(list.code, 0);
  assert.deepEqual(parsed(list.stdout, LIST).accounts, []);
  const current = await runCaoInProcess(home, ["current", "--json"]);
  assert.equal(current.code, 1, "no default account is still a failure");
  assert.equal(current.stderr, "");
  assert.equal(parsed(current.stdout, CURRENT).account, null);
  const gateway = await runCaoInProcess(home, ["gateway", "status", "--json"]);
  assert.equal(gateway.code, 1);
  parsed(gateway.stdout, GATEWAY_DOWN);
});

Deno.test("reserve --json shows and sets, saying whether anything changed", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoInProcess(home, ["add", "work", "--no-login"])).code, 0);
  const none = await runCaoInProcess(home, ["reserve", "work", "--json"]);
  assert.deepEqual(parsed(none.stdout, RESERVE), {
    schemaVersion: 1,
    account: "work",
    reservePercent: null,
    changed: false,
  });
  const set = await runCaoInProcess(home, ["reserve", "work", "80%", "--json"]);
  assert.deepEqual(parsed(set.stdout, RESERVE), {
    schemaVersion: 1,
    account: "work",
    reservePercent: 80,
    changed: true,
  });
  const again = await runCaoInProcess(home, ["reserve", "work", "80", "--json"]);
  assert.equal(parsed(again.stdout, RESERVE).changed, false);
  const off = await runCaoInProcess(home, ["reserve", "work", "off", "--json"]);
  assert.deepEqual(parsed(off.stdout, RESERVE), {
    schemaVersion: 1,
    account: "work",
    reservePercent: null,
    changed: true,
  });
});

Deno.test("list, current and import --json follow their schemas with accounts", async () => {
  await using home = await makeTempHome();
  await Deno.writeTextFile(
    `${home.userHome}/.codex/auth.json`,
    JSON.stringify(fakeAuthJson({ email: "a@b.c" })),
  );
  const imported = await runCaoInProcess(home, ["import", "codex", "--name", "mine", "--json"]);
  assert.equal(imported.code, 0, imported.stderr);
  parsed(imported.stdout, IMPORT);
  for (const args of [["list", "--json"], ["list", "--details", "--json"]]) {
    const list = await runCaoInProcess(home, args);
    assert.equal((parsed(list.stdout, LIST).accounts as unknown[]).length, 1, args.join(" "));
  }
  const current = await runCaoInProcess(home, ["current", "--json"]);
  assert.equal(current.code, 0);
  assert.equal((parsed(current.stdout, CURRENT).account as { name: string }).name, "mine");
});
