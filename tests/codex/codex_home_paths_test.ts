/**
 * @module
 * Unit tests of `codexHomePaths()`: every path of a CODEX_HOME comes from its one directory.
 */

import assert from "node:assert/strict";
import { codexHomePaths } from "../../src/codex/codex_home_paths.ts";
import { caoPaths } from "../../src/accounts/paths.ts";

Deno.test({
  name: "codexHomePaths() names the login, its two Codex locks, the config, the sync base and the sessions",
  // The literal paths are POSIX ones; on Windows the test is reported as ignored rather than passing unchecked.
  ignore: Deno.build.os === "windows",
  fn: () => {
    assert.deepEqual(codexHomePaths("/h/.codex/"), {
      root: "/h/.codex/",
      authFile: "/h/.codex/auth.json",
      authLock: "/h/.codex/auth.lock",
      authCommitLock: "/h/.codex/auth.json.lock",
      configFile: "/h/.codex/config.toml",
      syncBase: "/h/.codex/.cao-user-config.json",
      sessions: "/h/.codex/sessions",
      codexAuthSnapshots: "/h/.codex/accounts",
    });
  },
});

Deno.test("an account's CODEX_HOME files are the same whether named by caoPaths() or codexHomePaths()", () => {
  const paths = caoPaths("/r");
  const home = codexHomePaths(paths.accountDir("work"));
  assert.equal(home.authFile, paths.authFile("work"));
  assert.equal(home.configFile, paths.configFile("work"));
  assert.equal(paths.gatewayLog, `/r${Deno.build.os === "windows" ? "\\" : "/"}gateway.log`);
});
