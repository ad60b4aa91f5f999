/**
 * The options kept when a conversation is resumed come from the binary in use: its `codex exec resume --help`.
 * Checked on the real Codex CLI in use (`CAO_TEST_CODEX`) and, when it is installed, 0.171 (which added `--remote`
 * there); each binary is judged by the version it reports, so either may be 0.169 or 0.171.
 */
import assert from "node:assert/strict";
import { parseCodexArgs, resumeArgs } from "../../src/codex/codex_args.ts";
import { execResumeOptions, parseHelpOptions } from "../../src/codex/codex_help.ts";
import { spawnProcess } from "../../src/codex/spawn.ts";
import { codex171Binary, codexAvailable, codexBinary, codexVersion } from "../support/codex_bin.ts";

const ID = "01a23289-9bc1-75e2-8332-c4efe444f75d";

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

/** Whether a Codex version's `exec resume` takes `--remote` (added in 0.171). */
function hasRemote([major, minor]: [number, number, number]): boolean {
  return major > 0 || minor >= 171;
}

Deno.test({
  name: "resuming keeps the options the binary's exec resume takes: --remote from 0.171 on, not before",
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
    const binaries = [await codexBinary(), await codex171Binary()].filter((path) => path !== null);
    for (const path of new Set(binaries)) {
      const version = await codexVersion(path);
      const remote = hasRemote(version);
      const options = await execResumeOptions(spawnProcess, path, {});
      assert.ok(options !== null && options.has("--json"), `${version.join(".")}'s help was read`);
      assert.equal(options.has("--remote"), remote, `${version.join(".")} --remote`);
      assert.equal(
        options.has("--remote-auth-token-env"),
        remote,
        `${version.join(".")} --remote-auth-token-env`,
      );
      assert.deepEqual(
        resumeArgs(invocation, ID, "p", options),
        remote
          ? ["exec", "resume", "--remote", "ws://127.0.0.1:9", "--json", ID, "p"]
          : ["exec", "resume", "--json", ID, "p"],
        `${version.join(".")} keeps the options it takes`,
      );
    }
  },
});
