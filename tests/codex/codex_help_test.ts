/**
 * The options kept when a conversation is resumed come from the binary in use: its `codex exec resume --help`.
 * Checked on the real Codex CLI 0.169 and, when it is installed, 0.171 (which added `--remote` there).
 */
import assert from "node:assert/strict";
import { parseCodexArgs, resumeArgs } from "../../src/codex/codex_args.ts";
import { execResumeOptions, parseHelpOptions } from "../../src/codex/codex_help.ts";
import { spawnProcess } from "../../src/codex/spawn.ts";
import { codexAvailable, codexBinary } from "../support/codex_bin.ts";

const ID = "01a23289-9bc1-75e2-8332-c4efe444f75d";

/** The native 0.171 binary: `CAO_TEST_CODEX_171`, else where the CI cache puts it; null when absent. */
async function codex171(): Promise<string | null> {
  const fromEnv = Deno.env.get("CAO_TEST_CODEX_171");
  const cached =
    `${Deno.env.get("HOME")}/.cache/cao-ci/codex-0.171.0/node_modules/@openai/codex-linux-x64/vendor/` +
    "x86_64-unknown-linux-musl/bin/codex";
  for (const path of [fromEnv, cached]) {
    if (path && await Deno.stat(path).then((s) => s.isFile, () => false)) return path;
  }
  return null;
}

Deno.test("parseHelpOptions() reads clap's option lines, and which take a value", () => {
  const help = [
    "Options:",
    "  -c, --config <key=value>",
    "          Override a configuration value",
    "      --last",
    "      --remote <ADDR>",
    "  -i, --image <FILE>",
    "  -h, --help",
    "          Print help (see a summary with '-h')",
  ].join("\n");
  assert.deepEqual([...parseHelpOptions(help)], [
    ["-c", true],
    ["--config", true],
    ["--last", false],
    ["--remote", true],
    ["-i", true],
    ["--image", true],
    ["-h", false],
    ["--help", false],
  ]);
});

Deno.test({
  name: "resuming keeps the options the binary's exec resume takes: 0.171's --remote, not on 0.169",
  ignore: !(await codexAvailable()),
  async fn() {
    const invocation = parseCodexArgs([
      "exec",
      "resume",
      "--remote",
      "ws://127.0.0.1:9",
      "--json",
      ID,
      "go on",
    ]);
    const on169 = await execResumeOptions(spawnProcess, await codexBinary(), {});
    assert.ok(on169?.has("--json"), "0.169's help was read");
    assert.equal(on169?.has("--remote"), false);
    assert.deepEqual(resumeArgs(invocation, ID, "p", on169 ?? undefined), [
      "exec",
      "resume",
      "--json",
      ID,
      "p",
    ]);
    const newer = await codex171();
    if (newer === null) return;
    const on171 = await execResumeOptions(spawnProcess, newer, {});
    assert.ok(on171?.has("--remote") && on171.has("--remote-auth-token-env"));
    assert.deepEqual(
      resumeArgs(invocation, ID, "p", on171 ?? undefined),
      ["exec", "resume", "--remote", "ws://127.0.0.1:9", "--json", ID, "p"],
      "0.171 keeps --remote",
    );
  },
});
