/**
 * @module
 * What a cao release consists of: the compile targets, the name of the binary built for each, where a
 * release's files are downloaded from, and the project facts that package manifests repeat. Shared by
 * `compile.ts`, `homebrew_formula.ts` and `scoop_manifest.ts` so that the three always agree on file
 * names. Pure: nothing here touches the file system, the network or the process.
 */

/**
 * The `deno compile --target` values a release is built for. Deno 2.9.6 accepts exactly these six
 * (`deno compile --target <unknown>` lists them; `--help` does not).
 */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
  "aarch64-pc-windows-msvc",
] as const;

/** One compile target, e.g. `"aarch64-apple-darwin"`. */
export type Target = typeof TARGETS[number];

/** Facts about the project that the Homebrew formula and the Scoop manifest both state. */
export const PROJECT = {
  /** The command users type, and the prefix of every binary name. */
  command: "cao",
  /** One line, no leading article, no project name (what `brew audit` expects of `desc`). */
  description: "Use the OpenAI Codex CLI with several ChatGPT accounts",
  homepage: "https://github.com/cao-cli/cao",
  license: "MIT",
} as const;

/** Whether `value` is one of the release {@link TARGETS}. */
export function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/** Whether binaries for `target` run on Windows (and so carry an `.exe` suffix). */
export function isWindowsTarget(target: Target): boolean {
  return target.endsWith("-windows-msvc");
}

/** The file name of the binary for `target`: `cao-<version>-<target>`, plus `.exe` on Windows. */
export function assetName(version: string, target: Target): string {
  return `${PROJECT.command}-${version}-${target}${isWindowsTarget(target) ? ".exe" : ""}`;
}

const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Returns `version` when it is a plain semantic version (`1.2.3`, `1.2.3-rc.1`); throws otherwise.
 * A leading `v` is refused rather than stripped: tags are `v1.2.3`, versions are not.
 */
export function checkVersion(version: string): string {
  if (!VERSION_PATTERN.test(version)) {
    const hint = version.startsWith("v") ? ` (drop the leading "v")` : "";
    throw new Error(`Cannot use version "${version}": expected a semantic version like 1.2.3${hint}`);
  }
  return version;
}

/** The default download location of a release's files: the GitHub release of tag `v<version>`. */
export function defaultBaseUrl(version: string): string {
  return `${PROJECT.homepage}/releases/download/v${version}/`;
}

/**
 * Normalises a download base URL: it must be http(s), without query or fragment, and ends with `/`
 * so that a file name can be appended. Throws with the offending value otherwise.
 */
export function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`Cannot use base URL "${baseUrl}": it is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`Cannot use base URL "${baseUrl}": expected an https:// URL`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new Error(`Cannot use base URL "${baseUrl}": it must not have a query or fragment`);
  }
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}
