import assert from "node:assert/strict";
import { onCi, requireTool, skipMissing } from "./ci_tools.ts";

Deno.test("onCi() reads CI=true or CI=1 only", () => {
  assert.equal(onCi("true"), true);
  assert.equal(onCi("1"), true);
  assert.equal(onCi(""), false);
  assert.equal(onCi("false"), false);
});

Deno.test("skipMissing() skips a test whose tool is missing only off CI", () => {
  assert.equal(skipMissing(true, false), true);
  assert.equal(skipMissing(true, true), false);
  assert.equal(skipMissing(false, false), false);
  assert.equal(skipMissing(false, true), false);
});

Deno.test("requireTool() names the missing tool", () => {
  assert.equal(requireTool("tmux", "/usr/bin/tmux"), "/usr/bin/tmux");
  assert.throws(() => requireTool("zsh", null), /"zsh" is missing/);
});
