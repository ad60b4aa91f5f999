/**
 * @module
 * Tests of `generator_cli.ts`: argument parsing (pure) and `runGenerator` with captured output, reading
 * the sample release sums in `tests/fixtures/release_sha256sums.txt`.
 */

import assert from "node:assert/strict";
import { type GeneratorInput, type GeneratorIo, parseGeneratorArgs, runGenerator } from "./generator_cli.ts";

const FIXTURE = new URL("../tests/fixtures/release_sha256sums.txt", import.meta.url);

Deno.test("parseGeneratorArgs() reads --sums and --version, with the GitHub release as default base", () => {
  assert.deepEqual(parseGeneratorArgs(["--sums", "dist/SHA256SUMS", "--version", "0.1.0"]), {
    kind: "ok",
    sumsPath: "dist/SHA256SUMS",
    version: "0.1.0",
    baseUrl: "https://github.com/cao-cli/cao/releases/download/v0.1.0/",
  });
  assert.deepEqual(parseGeneratorArgs(["--sums=S", "--version=1.0.0", "--base-url=https://example.com/r"]), {
    kind: "ok",
    sumsPath: "S",
    version: "1.0.0",
    baseUrl: "https://example.com/r/",
  });
});

Deno.test("parseGeneratorArgs() reports help and usage errors", () => {
  assert.deepEqual(parseGeneratorArgs(["-h"]), { kind: "help" });
  assert.deepEqual(parseGeneratorArgs(["--version", "0.1.0"]), {
    kind: "usage",
    message: "Missing --sums <path to SHA256SUMS>",
  });
  assert.deepEqual(parseGeneratorArgs(["--sums", "S"]), {
    kind: "usage",
    message: "Missing --version <x.y.z>",
  });
  assert.equal(parseGeneratorArgs(["--sums", "S", "--version", "v0.1.0"]).kind, "usage");
  assert.equal(parseGeneratorArgs(["--sums", "S", "--version", "0.1.0", "--bogus"]).kind, "usage");
  assert.equal(parseGeneratorArgs(["--sums", "S", "--version", "0.1.0", "extra"]).kind, "usage");
});

/** An io that reads real files (or uses `read`) and records what would be printed. */
function captureIo(
  read: (path: string) => Promise<string> = (path) => Deno.readTextFile(path),
): GeneratorIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    readTextFile: read,
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
  };
  return io;
}

Deno.test("runGenerator() renders from the parsed sums file", async () => {
  const io = captureIo();
  let seen: GeneratorInput | undefined;
  const code = await runGenerator(["--sums", FIXTURE.pathname, "--version", "0.1.0"], "USAGE", (input) => {
    seen = input;
    return `${input.sums.length} files\n`;
  }, io);
  assert.equal(code, 0);
  assert.equal(io.out, "6 files\n");
  assert.equal(io.err, "");
  assert.equal(seen?.version, "0.1.0");
  assert.equal(seen?.sums[0].name, "cao-0.1.0-aarch64-apple-darwin");
});

Deno.test("runGenerator() exits 2 with usage, 1 on an unreadable or malformed sums file", async (t) => {
  await t.step("usage error", async () => {
    const io = captureIo();
    assert.equal(await runGenerator(["--version", "0.1.0"], "USAGE\n", () => "", io), 2);
    assert.equal(io.err, "Missing --sums <path to SHA256SUMS>\n\nUSAGE\n");
    assert.equal(io.out, "");
  });
  await t.step("help", async () => {
    const io = captureIo();
    assert.equal(await runGenerator(["--help"], "USAGE\n", () => "", io), 0);
    assert.equal(io.out, "USAGE\n");
  });
  await t.step("missing file", async () => {
    const io = captureIo();
    const missing = "/nonexistent/SHA256SUMS";
    assert.equal(await runGenerator(["--sums", missing, "--version", "0.1.0"], "", () => "", io), 1);
    assert.match(io.err, /^Cannot read "\/nonexistent\/SHA256SUMS": /);
  });
  await t.step("malformed line", async () => {
    const io = captureIo(() => Promise.resolve(`${"a".repeat(64)}  ok\nbad\n`));
    assert.equal(await runGenerator(["--sums", "S", "--version", "0.1.0"], "", () => "x", io), 1);
    assert.match(io.err, /^Cannot parse line 2 of "S"/);
  });
  await t.step("render failure", async () => {
    const io = captureIo();
    const render = () => {
      throw new Error("Cannot find it");
    };
    assert.equal(await runGenerator(["--sums", FIXTURE.pathname, "--version", "0.1.0"], "", render, io), 1);
    assert.equal(io.err, "Cannot find it\n");
  });
});
