/**
 * @module
 * Tiny text snapshots (the JSR `@std/testing/snapshot` is out of reach): `assertSnapshot` compares text with
 * `__snapshots__/<name>.txt` beside the test file; with `CAO_UPDATE_SNAPSHOTS=1` it writes the file instead
 * (review the diff before committing). A missing snapshot fails. Test-only.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Replaces every occurrence of `paths` (longest first) with its label, e.g. a temp dir with `<TMP>`. */
export function normalisePaths(text: string, paths: Record<string, string>): string {
  let out = text;
  for (const [path, label] of Object.entries(paths).sort((a, b) => b[0].length - a[0].length)) {
    out = out.split(path).join(label);
  }
  return out;
}

/** Compares `actual` with the stored snapshot `name` of the test module at `testUrl`. */
export async function assertSnapshot(testUrl: string, name: string, actual: string): Promise<void> {
  const path = join(dirname(fileURLToPath(testUrl)), "__snapshots__", `${name}.txt`);
  let expected: string | null = null;
  try {
    expected = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const update = (() => {
    try {
      return Deno.env.get("CAO_UPDATE_SNAPSHOTS") === "1";
    } catch {
      return false;
    }
  })();
  if (update) {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, actual);
    return;
  }
  assert.ok(expected !== null, `snapshot "${name}" is missing: run the test with CAO_UPDATE_SNAPSHOTS=1`);
  assert.equal(actual, expected, `snapshot "${name}" differs (CAO_UPDATE_SNAPSHOTS=1 rewrites it)`);
}
