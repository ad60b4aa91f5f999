/**
 * @module
 * Tests of `homebrew_formula.ts` against the sample release sums in
 * `tests/fixtures/release_sha256sums.txt`: the formula's content, `ruby -c` on it when Ruby is
 * installed (always on CI, where .ci/run installs it and a missing Ruby fails the test), and the script run as a
 * real child process.
 */

import assert from "node:assert/strict";
import { requireTool, skipMissing } from "../tests/support/ci_tools.ts";
import { renderFormula, rubyString } from "./homebrew_formula.ts";
import { parseSums } from "./sha256_sums.ts";

const FIXTURE = new URL("../tests/fixtures/release_sha256sums.txt", import.meta.url);
const SUMS = parseSums(await Deno.readTextFile(FIXTURE));
const BASE = "https://github.com/cao-cli/cao/releases/download/v0.1.0/";
const FORMULA = renderFormula({ version: "0.1.0", baseUrl: BASE, sums: SUMS });

/** Whether `ruby` can be run here (the syntax check is skipped otherwise). */
async function rubyAvailable(): Promise<boolean> {
  try {
    const command = new Deno.Command("ruby", { args: ["--version"], stdout: "null", stderr: "null" });
    return (await command.output()).success;
  } catch {
    return false;
  }
}

const hasRuby = await rubyAvailable();

/** The text between `on_<os> do` and its closing `end` at two spaces of indent. */
function osBlock(formula: string, os: string): string {
  const match = new RegExp(`\\n  on_${os} do\\n([\\s\\S]*?)\\n  end\\n`).exec(formula);
  assert.ok(match, `no on_${os} block`);
  return match[1];
}

Deno.test("renderFormula() declares the formula's metadata", () => {
  assert.match(FORMULA, /^class Cao < Formula$/m);
  assert.match(FORMULA, /^ {2}desc "Use the OpenAI Codex CLI with several ChatGPT accounts"$/m);
  assert.match(FORMULA, /^ {2}homepage "https:\/\/github\.com\/cao-cli\/cao"$/m);
  assert.match(FORMULA, /^ {2}version "0\.1\.0"$/m);
  assert.match(FORMULA, /^ {2}license "MIT"$/m);
  assert.doesNotMatch(FORMULA, /bottle/);
});

Deno.test("renderFormula() downloads the right binary per OS and architecture", () => {
  const expected = [
    ["macos", "aarch64-apple-darwin", "f763d368c5db424871ca3ccb908fab74dbcd2cb0c3473a5368eb362736f209d5"],
    ["macos", "x86_64-apple-darwin", "996848ac862210cf97387cec8f59fbd25c8c78b803b53215c9f02909c7c11a03"],
    [
      "linux",
      "aarch64-unknown-linux-gnu",
      "fb5ea2930c31072acba56ea52789bf0f2822caf9ce41736290ebe344547bdd30",
    ],
    ["linux", "x86_64-unknown-linux-gnu", "ba24bc682dafb55860f5a4fd24ade51690c57c5fd55d7052588e52c6c65eca1e"],
  ];
  for (const [os, target, sha256] of expected) {
    const arch = target.startsWith("aarch64") ? "arm" : "intel";
    assert.ok(
      osBlock(FORMULA, os).includes(
        `    on_${arch} do\n` +
          `      url "${BASE}cao-0.1.0-${target}"\n` +
          `      sha256 "${sha256}"\n` +
          `    end`,
      ),
      `${os}/${arch} should download ${target}`,
    );
  }
  assert.doesNotMatch(FORMULA, /windows/);
});

Deno.test("renderFormula() installs the binary as cao and tests --version", () => {
  assert.match(FORMULA, /^ {4}bin\.install binary => "cao"$/m);
  assert.match(
    FORMULA,
    /^ {2}test do\n {4}assert_match version\.to_s, shell_output\("#\{bin\}\/cao --version"\)\n {2}end$/m,
  );
});

Deno.test("renderFormula() uses the base URL given", () => {
  const formula = renderFormula({ version: "0.1.0", baseUrl: "https://mirror.example/cao/", sums: SUMS });
  assert.match(formula, /url "https:\/\/mirror\.example\/cao\/cao-0\.1\.0-x86_64-apple-darwin"/);
});

Deno.test("renderFormula() refuses sums that lack a macOS or Linux binary", () => {
  const sums = SUMS.filter((entry) => !entry.name.includes("aarch64-unknown-linux-gnu"));
  assert.throws(() => renderFormula({ version: "0.1.0", baseUrl: BASE, sums }), {
    message: 'Cannot find "cao-0.1.0-aarch64-unknown-linux-gnu" in "SHA256SUMS": it is not listed',
  });
});

Deno.test("rubyString() escapes backslashes, quotes and interpolation", () => {
  assert.equal(rubyString("plain"), '"plain"');
  assert.equal(rubyString('a"b\\c#{d}'), '"a\\"b\\\\c\\#{d}"');
});

Deno.test({
  name: "renderFormula() output is valid Ruby (ruby -c)",
  ignore: skipMissing(!hasRuby),
  async fn() {
    requireTool("ruby", hasRuby ? "ruby" : null);
    const path = await Deno.makeTempFile({ suffix: ".rb" });
    try {
      await Deno.writeTextFile(path, FORMULA);
      const { success, stdout, stderr } = await new Deno.Command("ruby", { args: ["-c", path] }).output();
      const decoder = new TextDecoder();
      assert.ok(success, decoder.decode(stderr));
      assert.equal(decoder.decode(stdout).trim(), "Syntax OK");
    } finally {
      await Deno.remove(path);
    }
  },
});

Deno.test("homebrew_formula.ts prints the formula when run with --allow-read only", async () => {
  const script = new URL("./homebrew_formula.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", script, "--sums", FIXTURE.pathname, "--version", "0.1.0"],
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  assert.equal(code, 0, decoder.decode(stderr));
  assert.equal(decoder.decode(stdout), FORMULA);
});
