/**
 * Pure parts of fs/ with literal inputs: which file a temp or lock file stands for, the timestamp in
 * moved-aside names, and the OS error numbers cao words.
 */

import assert from "node:assert/strict";
import { osErrorState, subjectPath } from "../../src/fs/os_error.ts";
import { fileTimestamp } from "../../src/fs/json_file.ts";

Deno.test("subjectPath() maps a temp or lock file to the file it guards, and marks it as a write", () => {
  assert.deepEqual(subjectPath("/h/.registry.json.tmp-12-ab3"), { path: "/h/registry.json", writing: true });
  assert.deepEqual(subjectPath("/h/registry.json.lock"), { path: "/h/registry.json", writing: true });
  assert.deepEqual(subjectPath("/h/work/.auth.json.tmp-"), { path: "/h/work/auth.json", writing: true });
  assert.deepEqual(subjectPath("/x.lock"), { path: "/x", writing: true });
  // Anything else is itself.
  assert.deepEqual(subjectPath("/h/registry.json"), { path: "/h/registry.json", writing: false });
  assert.deepEqual(subjectPath("/h/.lock"), { path: "/h/.lock", writing: false });
  assert.deepEqual(subjectPath("/h/registry.json.tmp-1"), { path: "/h/registry.json.tmp-1", writing: false });
  assert.deepEqual(subjectPath("/h/.hidden.json"), { path: "/h/.hidden.json", writing: false });
  assert.deepEqual(subjectPath("/h/lock"), { path: "/h/lock", writing: false });
  // Only the last component counts.
  assert.deepEqual(subjectPath("/h/.d.tmp-1/x.json"), { path: "/h/.d.tmp-1/x.json", writing: false });
});

Deno.test("fileTimestamp() is the UTC time to the second, without separators", () => {
  assert.equal(fileTimestamp(new Date("2026-11-21T14:15:00.000Z")), "20261121T141500Z");
  assert.equal(fileTimestamp(new Date("2026-01-02T03:04:05.999Z")), "20260102T030405Z");
  assert.equal(fileTimestamp(new Date(0)), "19700101T000000Z");
  // Names made at later seconds sort later.
  const names = ["2026-11-21T09:59:59Z", "2026-11-21T10:00:00Z", "2026-12-01T00:00:00Z"].map((t) =>
    fileTimestamp(new Date(t))
  );
  assert.deepEqual([...names].sort(), names);
});

Deno.test("osErrorState() reads the errno from Deno's message and words the ones cao knows", () => {
  const os = (message: string) => osErrorState(new Error(message));
  assert.deepEqual(os("Permission denied (os error 13): open '/h/x'"), {
    errno: 13,
    state: "permission denied",
  });
  assert.deepEqual(os("No such file or directory (os error 2): stat '/h/x'"), {
    errno: 2,
    state: "it does not exist",
  });
  assert.deepEqual(os("Read-only file system (os error 30): mkdir '/h'"), {
    errno: 30,
    state: "the file system is read-only",
  });
  assert.deepEqual(os("No space left on device (os error 28): write"), {
    errno: 28,
    state: "the disk is full",
  });
  assert.equal(os("Too many open files (os error 24): open '/h/x'"), null);
  assert.equal(os("permission denied"), null);
  assert.equal(osErrorState("Permission denied (os error 13)"), null);
  assert.equal(osErrorState(null), null);
});
