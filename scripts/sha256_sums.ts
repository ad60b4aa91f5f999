/**
 * @module
 * The `SHA256SUMS` file of a release, in the format of GNU `sha256sum`: one line per file,
 * `<64 lowercase hex digits><space><space><file name>`, sorted by file name, ending with a newline.
 * `renderSums` writes it (for `compile.ts`), `parseSums` reads it back strictly (for the package
 * generators): a malformed line is an error naming the line, never skipped. Pure: no I/O here.
 */

/** One line of a `SHA256SUMS` file. */
export interface SumEntry {
  /** The file's base name, e.g. `cao-0.1.0-x86_64-unknown-linux-gnu`; no directory part. */
  name: string;
  /** The SHA-256 digest of the file, 64 lowercase hex digits. */
  sha256: string;
}

// `sha256sum` marks binary mode with `*` before the name; text mode with a second space.
const LINE_PATTERN = /^([0-9a-fA-F]{64}) [ *](.+)$/;
// File names end up inside URLs, Ruby strings and JSON: only allow what release files are named with.
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const HEX_PATTERN = /^[0-9a-f]{64}$/;

/** Renders entries as a `SHA256SUMS` file, sorted by name. Throws on a bad digest or file name. */
export function renderSums(entries: readonly SumEntry[]): string {
  for (const { name, sha256 } of entries) {
    if (!NAME_PATTERN.test(name)) throw new Error(`Cannot list file "${name}" in SHA256SUMS: bad file name`);
    if (!HEX_PATTERN.test(sha256)) {
      throw new Error(`Cannot list file "${name}" in SHA256SUMS: "${sha256}" is not a SHA-256 hex digest`);
    }
  }
  const sorted = [...entries].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return sorted.map(({ name, sha256 }) => `${sha256}  ${name}\n`).join("");
}

/**
 * Parses a `SHA256SUMS` file. `source` names the file in error messages. Accepts `\n` or `\r\n` line
 * ends, a `*` binary marker and uppercase digits (normalised to lowercase); throws on anything else:
 * an empty or malformed line, a file name with a directory part or unusual characters, a duplicate
 * name, or a file with no entries at all.
 */
export function parseSums(text: string, source = "SHA256SUMS"): SumEntry[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  if (lines.length === 0) throw new Error(`Cannot read "${source}": it lists no files`);
  const entries: SumEntry[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    const where = `line ${index + 1} of "${source}"`;
    const match = LINE_PATTERN.exec(line);
    if (match === null) {
      throw new Error(
        `Cannot parse ${where}: expected "<64 hex digits>  <file name>", found ${JSON.stringify(line)}`,
      );
    }
    const [, digest, name] = match;
    if (!NAME_PATTERN.test(name)) {
      throw new Error(`Cannot parse ${where}: "${name}" is not a plain release file name`);
    }
    if (seen.has(name)) throw new Error(`Cannot parse ${where}: "${name}" is listed twice`);
    seen.add(name);
    entries.push({ name, sha256: digest.toLowerCase() });
  });
  return entries;
}

/** The digest of `name` in `entries`, or `undefined` when the file is not listed. */
export function findSum(entries: readonly SumEntry[], name: string): string | undefined {
  return entries.find((entry) => entry.name === name)?.sha256;
}

/** The digest of `name` in `entries`; throws naming the file and `source` when it is not listed. */
export function requireSum(entries: readonly SumEntry[], name: string, source = "SHA256SUMS"): string {
  const sha256 = findSum(entries, name);
  if (sha256 === undefined) throw new Error(`Cannot find "${name}" in "${source}": it is not listed`);
  return sha256;
}
