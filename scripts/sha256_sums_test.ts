/**
 * @module
 * Unit tests of `sha256_sums.ts`: rendering in `sha256sum` format and strict parsing.
 */

import assert from "node:assert/strict";
import { findSum, parseSums, renderSums, requireSum } from "./sha256_sums.ts";

const A = "a".repeat(64);
const B = "0123456789abcdef".repeat(4);

Deno.test("renderSums() writes sha256sum lines sorted by name", () => {
  assert.equal(
    renderSums([{ name: "cao-0.1.0-x86_64-apple-darwin", sha256: A }, {
      name: "cao-0.1.0-aarch64-apple-darwin",
      sha256: B,
    }]),
    `${B}  cao-0.1.0-aarch64-apple-darwin\n${A}  cao-0.1.0-x86_64-apple-darwin\n`,
  );
  assert.equal(renderSums([]), "");
});

Deno.test("renderSums() refuses a bad digest or a path", () => {
  assert.throws(() => renderSums([{ name: "cao", sha256: "abc" }]), { message: /"abc" is not a SHA-256/ });
  assert.throws(() => renderSums([{ name: "dist/cao", sha256: A }]), {
    message: /"dist\/cao".*bad file name/,
  });
});

Deno.test("parseSums() reads back what renderSums() writes", () => {
  const entries = [{ name: "cao-0.1.0-x86_64-pc-windows-msvc.exe", sha256: A }, { name: "cao-x", sha256: B }];
  assert.deepEqual(parseSums(renderSums(entries)), entries);
});

Deno.test("parseSums() accepts CRLF, the binary marker and uppercase digits", () => {
  assert.deepEqual(parseSums(`${A.toUpperCase()} *cao-a\r\n${B}  cao-b\r\n`), [
    { name: "cao-a", sha256: A },
    { name: "cao-b", sha256: B },
  ]);
  assert.deepEqual(parseSums(`${A}  cao-a`), [{ name: "cao-a", sha256: A }]);
});

Deno.test("parseSums() names the malformed line", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["short digest", `${A}  cao-a\nabc  cao-b\n`, /^Cannot parse line 2 of "dist\/SHA256SUMS": expected/],
    ["one space", `${A} cao-a\n`, /^Cannot parse line 1 of "dist\/SHA256SUMS": expected/],
    ["no name", `${A}  \n`, /^Cannot parse line 1 of/],
    ["empty line", `${A}  cao-a\n\n${B}  cao-b\n`, /^Cannot parse line 2 of .*found ""/],
    [
      "directory part",
      `${A}  dist/cao-a\n`,
      /^Cannot parse line 1 .*"dist\/cao-a" is not a plain release file name/,
    ],
    ["quote in name", `${A}  cao"a\n`, /^Cannot parse line 1 .*not a plain release file name/],
    ["duplicate", `${A}  cao-a\n${B}  cao-a\n`, /^Cannot parse line 2 .*"cao-a" is listed twice/],
  ];
  for (const [name, text, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => parseSums(text, "dist/SHA256SUMS"), { message });
    });
  }
});

Deno.test("parseSums() refuses a file that lists nothing", () => {
  assert.throws(() => parseSums("", "SUMS"), { message: 'Cannot read "SUMS": it lists no files' });
  assert.throws(() => parseSums("\n"), { message: /Cannot parse line 1/ });
});

Deno.test("findSum() and requireSum() look a file up by name", () => {
  const entries = [{ name: "cao-a", sha256: A }];
  assert.equal(findSum(entries, "cao-a"), A);
  assert.equal(findSum(entries, "cao-b"), undefined);
  assert.equal(requireSum(entries, "cao-a"), A);
  assert.throws(() => requireSum(entries, "cao-b", "dist/SHA256SUMS"), {
    message: 'Cannot find "cao-b" in "dist/SHA256SUMS": it is not listed',
  });
});
