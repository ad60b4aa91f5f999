/**
 * @module
 * The three path operations cao needs (join, dirname, basename), without loading `node:path`: that module
 * alone costs about as much start-up time as everything `cao status` does. Paths are joined with the
 * platform's separator and not otherwise normalised. Pure.
 */

const SEPARATOR = Deno.build.os === "windows" ? "\\" : "/";
const TRAILING = /[\\/]+$/;
const LEADING = /^[\\/]+/;

/** Joins path segments with the platform separator; empty segments are skipped. */
export function joinPath(...parts: string[]): string {
  const segments = parts.filter((part) => part.length > 0);
  if (segments.length === 0) return ".";
  const [first, ...rest] = segments;
  const head = first.replace(TRAILING, "");
  const tail = rest.map((part) => part.replace(LEADING, "").replace(TRAILING, "")).filter((p) =>
    p.length > 0
  );
  if (head === "") return SEPARATOR + tail.join(SEPARATOR); // the root
  return [head, ...tail].join(SEPARATOR);
}

/** Everything before the last separator (`.` when there is none, the root for a file in it). */
export function dirnameOf(path: string): string {
  const trimmed = path.length > 1 ? path.replace(TRAILING, "") : path;
  const index = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  if (index < 0) return ".";
  if (index === 0) return trimmed[0];
  return trimmed.slice(0, index);
}

/** The last segment of a path. */
export function basenameOf(path: string): string {
  const trimmed = path.replace(TRAILING, "");
  return trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
}
