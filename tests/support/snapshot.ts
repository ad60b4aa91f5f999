/**
 * @module
 * What text snapshots need besides Deno's own `t.assertSnapshot()` (which stores them in
 * `__snapshots__/<test file>.snap` and rewrites them under `deno task test:update-snapshots`): the option that
 * stores text as it is printed rather than as a quoted string, and path normalisation so that a snapshot does
 * not depend on the temp dir a run used. Test-only.
 */

/** `t.assertSnapshot(text, TEXT)` keeps `text` as printed (no quotes, real line breaks) in the .snap file. */
export const TEXT: Deno.TestSnapshotOptions<string> = { serializer: (text) => text };

/** Replaces every occurrence of `paths` (longest first) with its label, e.g. a temp dir with `<TMP>`. */
export function normalisePaths(text: string, paths: Record<string, string>): string {
  let out = text;
  for (const [path, label] of Object.entries(paths).sort((a, b) => b[0].length - a[0].length)) {
    out = out.split(path).join(label);
  }
  return out;
}
