/**
 * @module
 * Unit tests of `release_assets.ts`: binary names per target, version and base URL checks.
 */

import assert from "node:assert/strict";
import {
  assetName,
  checkBaseUrl,
  checkVersion,
  defaultBaseUrl,
  isTarget,
  TARGETS,
} from "./release_assets.ts";

Deno.test("assetName() appends .exe only for Windows targets", () => {
  assert.equal(assetName("0.1.0", "x86_64-unknown-linux-gnu"), "cao-0.1.0-x86_64-unknown-linux-gnu");
  assert.equal(assetName("0.1.0", "aarch64-apple-darwin"), "cao-0.1.0-aarch64-apple-darwin");
  assert.equal(
    assetName("1.2.3-rc.1", "x86_64-pc-windows-msvc"),
    "cao-1.2.3-rc.1-x86_64-pc-windows-msvc.exe",
  );
  assert.equal(assetName("0.1.0", "aarch64-pc-windows-msvc"), "cao-0.1.0-aarch64-pc-windows-msvc.exe");
});

Deno.test("TARGETS holds the six targets deno compile accepts", () => {
  assert.deepEqual([...TARGETS].sort(), [
    "aarch64-apple-darwin",
    "aarch64-pc-windows-msvc",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
  ]);
});

Deno.test("isTarget() accepts release targets only", () => {
  assert.equal(isTarget("x86_64-apple-darwin"), true);
  assert.equal(isTarget("x86_64-unknown-linux-musl"), false);
  assert.equal(isTarget(""), false);
});

Deno.test("checkVersion() accepts semantic versions and refuses a leading v", () => {
  assert.equal(checkVersion("0.1.0"), "0.1.0");
  assert.equal(checkVersion("10.20.30-beta.2+build.7"), "10.20.30-beta.2+build.7");
  assert.throws(() => checkVersion("v0.1.0"), { message: /"v0\.1\.0".*drop the leading "v"/ });
  assert.throws(() => checkVersion("0.1"), { message: /Cannot use version "0\.1"/ });
  assert.throws(() => checkVersion('0.1.0"; system("x'), { message: /Cannot use version/ });
});

Deno.test("defaultBaseUrl() points at the GitHub release of tag v<version>", () => {
  assert.equal(defaultBaseUrl("0.1.0"), "https://github.com/cao-cli/cao/releases/download/v0.1.0/");
});

Deno.test("checkBaseUrl() ends the URL with a slash and refuses non-http URLs", () => {
  assert.equal(checkBaseUrl("https://example.com/cao/0.1.0"), "https://example.com/cao/0.1.0/");
  assert.equal(checkBaseUrl("https://example.com/cao/"), "https://example.com/cao/");
  assert.throws(() => checkBaseUrl("ftp://example.com/"), { message: /expected an https:\/\/ URL/ });
  assert.throws(() => checkBaseUrl("example.com/cao"), { message: /not a valid URL/ });
  assert.throws(() => checkBaseUrl("https://example.com/?a=1"), { message: /query or fragment/ });
  assert.throws(() => checkBaseUrl("https://example.com/#x"), { message: /query or fragment/ });
});
