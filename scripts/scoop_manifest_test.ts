/**
 * @module
 * Tests of `scoop_manifest.ts` against the sample release sums in
 * `tests/fixtures/release_sha256sums.txt`: the manifest is valid JSON with every field Scoop needs,
 * arm64 appears only when the sums list it, and the script runs as a real child process.
 */

import assert from "node:assert/strict";
import { renderManifest } from "./scoop_manifest.ts";
import { parseSums } from "./sha256_sums.ts";

const FIXTURE = new URL("../tests/fixtures/release_sha256sums.txt", import.meta.url);
const SUMS = parseSums(await Deno.readTextFile(FIXTURE));
const BASE = "https://github.com/cao-cli/cao/releases/download/v0.1.0/";
const X64_HASH = "12c5c49a849706dd29168389d31aaed946665df4c1eeb57be026901f84561792";
const ARM64_HASH = "604feef0e19f213b706b6b996594ba44b89fc9e869b2b2829b082df49766c787";
const TEMPLATE = "https://github.com/cao-cli/cao/releases/download/v$version/cao-$version";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Parses the manifest rendered for `sums`, failing the test when it is not JSON. */
function manifestFor(sums = SUMS, baseUrl = BASE): Json {
  return JSON.parse(renderManifest({ version: "0.1.0", baseUrl, sums }));
}

Deno.test("renderManifest() writes JSON with every field Scoop needs", () => {
  const manifest = manifestFor();
  assert.equal(manifest.version, "0.1.0");
  assert.equal(manifest.description, "Use the OpenAI Codex CLI with several ChatGPT accounts");
  assert.equal(manifest.homepage, "https://github.com/cao-cli/cao");
  assert.equal(manifest.license, "MIT");
  assert.equal(manifest.bin, "cao.exe");
  assert.deepEqual(manifest.checkver, { github: "https://github.com/cao-cli/cao" });
  assert.deepEqual(Object.keys(manifest), [
    "version",
    "description",
    "homepage",
    "license",
    "architecture",
    "bin",
    "checkver",
    "autoupdate",
  ]);
});

Deno.test("renderManifest() downloads each Windows binary as cao.exe with its hash", () => {
  assert.deepEqual(manifestFor().architecture, {
    "64bit": { url: `${BASE}cao-0.1.0-x86_64-pc-windows-msvc.exe#/cao.exe`, hash: X64_HASH },
    "arm64": { url: `${BASE}cao-0.1.0-aarch64-pc-windows-msvc.exe#/cao.exe`, hash: ARM64_HASH },
  });
});

Deno.test("renderManifest() autoupdates from $version URLs and the release's SHA256SUMS", () => {
  assert.deepEqual(manifestFor().autoupdate, {
    architecture: {
      "64bit": { url: `${TEMPLATE}-x86_64-pc-windows-msvc.exe#/cao.exe` },
      "arm64": { url: `${TEMPLATE}-aarch64-pc-windows-msvc.exe#/cao.exe` },
    },
    hash: { url: "$baseurl/SHA256SUMS" },
  });
});

Deno.test("renderManifest() leaves arm64 out when the sums do not list it", () => {
  const manifest = manifestFor(SUMS.filter((entry) => !entry.name.includes("aarch64-pc-windows")));
  assert.deepEqual(Object.keys(manifest.architecture), ["64bit"]);
  assert.deepEqual(Object.keys(manifest.autoupdate.architecture), ["64bit"]);
});

Deno.test("renderManifest() refuses sums without the Windows x64 binary", () => {
  const sums = SUMS.filter((entry) => !entry.name.includes("x86_64-pc-windows"));
  assert.throws(() => manifestFor(sums), {
    message: 'Cannot find "cao-0.1.0-x86_64-pc-windows-msvc.exe" in "SHA256SUMS": it is not listed',
  });
});

Deno.test("renderManifest() uses the base URL given, keeping $version in autoupdate", () => {
  const manifest = manifestFor(SUMS, "https://mirror.example/cao/0.1.0/");
  assert.equal(
    manifest.architecture["64bit"].url,
    "https://mirror.example/cao/0.1.0/cao-0.1.0-x86_64-pc-windows-msvc.exe#/cao.exe",
  );
  assert.equal(
    manifest.autoupdate.architecture["64bit"].url,
    "https://mirror.example/cao/$version/cao-$version-x86_64-pc-windows-msvc.exe#/cao.exe",
  );
});

Deno.test("renderManifest() indents with 4 spaces and ends with a newline", () => {
  const text = renderManifest({ version: "0.1.0", baseUrl: BASE, sums: SUMS });
  assert.ok(text.startsWith('{\n    "version": "0.1.0",\n'));
  assert.ok(text.endsWith("}\n"));
});

Deno.test("scoop_manifest.ts prints the manifest when run with --allow-read only", async () => {
  const script = new URL("./scoop_manifest.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", script, "--sums", FIXTURE.pathname, "--version", "0.1.0"],
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  assert.equal(code, 0, decoder.decode(stderr));
  assert.deepEqual(JSON.parse(decoder.decode(stdout)), manifestFor());
});
