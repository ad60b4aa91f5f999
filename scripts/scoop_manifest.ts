/**
 * @module
 * Generates the Scoop manifest (`cao.json`) of a release from its `SHA256SUMS`: the Windows x64
 * binary (required) and the Windows arm64 one (only when the sums list it), each downloaded as
 * `cao.exe` (Scoop's `#/<name>` URL suffix) so that `cao` is the command, plus `checkver`/`autoupdate`
 * so a bucket can follow new GitHub releases on its own. Usage:
 *
 * ```sh
 * deno run --allow-read scripts/scoop_manifest.ts --sums dist/SHA256SUMS --version 0.1.0 > cao.json
 * ```
 */

import { type GeneratorInput, runGenerator } from "./generator_cli.ts";
import { assetName, PROJECT, type Target } from "./release_assets.ts";
import { findSum, requireSum } from "./sha256_sums.ts";

/** The help text of this script. */
export const USAGE =
  `Usage: deno run --allow-read scripts/scoop_manifest.ts --sums <SHA256SUMS> --version <x.y.z> \\
         [--base-url <url>] > cao.json

Prints the Scoop manifest for a cao release. The sums file must list the Windows x64 binary; the
arm64 one is included when listed. --base-url defaults to ${PROJECT.homepage}/releases/download/v<version>/
`;

/** The name every download is saved under, and so the command Scoop puts on the PATH. */
const INSTALLED_NAME = `${PROJECT.command}.exe`;

/** One `architecture` entry of a Scoop manifest. */
export interface ScoopArchitecture {
  /** Download URL; the `#/cao.exe` suffix tells Scoop to save the file as `cao.exe`. */
  url: string;
  /** SHA-256 of the download, lowercase hex. */
  hash: string;
}

/** The fields of the Scoop manifest this script writes (see Scoop's "App Manifests" wiki). */
export interface ScoopManifest {
  version: string;
  description: string;
  homepage: string;
  license: string;
  /** Scoop architecture names (`64bit`, `arm64`) to download and hash. */
  architecture: Partial<Record<"64bit" | "arm64", ScoopArchitecture>>;
  /** The executable(s) Scoop shims onto the PATH. */
  bin: string;
  /** How `checkver` finds the newest version: the latest GitHub release of the repository. */
  checkver: { github: string };
  /** URL templates (`$version`) for a new version; hashes are read from the new release's SHA256SUMS. */
  autoupdate: {
    architecture: Partial<Record<"64bit" | "arm64", { url: string }>>;
    hash: { url: string };
  };
}

const ARCHITECTURES: readonly { scoop: "64bit" | "arm64"; target: Target; required: boolean }[] = [
  { scoop: "64bit", target: "x86_64-pc-windows-msvc", required: true },
  { scoop: "arm64", target: "aarch64-pc-windows-msvc", required: false },
];

/** The manifest for `input`. Throws when the sums lack the Windows x64 binary. */
export function buildManifest({ version, baseUrl, sums }: GeneratorInput): ScoopManifest {
  const manifest: ScoopManifest = {
    version,
    description: PROJECT.description,
    homepage: PROJECT.homepage,
    license: PROJECT.license,
    architecture: {},
    bin: INSTALLED_NAME,
    checkver: { github: PROJECT.homepage },
    autoupdate: { architecture: {}, hash: { url: "$baseurl/SHA256SUMS" } },
  };
  for (const { scoop, target, required } of ARCHITECTURES) {
    const name = assetName(version, target);
    const hash = required ? requireSum(sums, name) : findSum(sums, name);
    if (hash === undefined) continue;
    const url = `${baseUrl}${name}#/${INSTALLED_NAME}`;
    manifest.architecture[scoop] = { url, hash };
    manifest.autoupdate.architecture[scoop] = { url: url.replaceAll(version, "$version") };
  }
  return manifest;
}

/** The manifest for `input` as Scoop-style JSON (4-space indent, final newline). */
export function renderManifest(input: GeneratorInput): string {
  return `${JSON.stringify(buildManifest(input), null, 4)}\n`;
}

if (import.meta.main) {
  Deno.exit(await runGenerator(Deno.args, USAGE, renderManifest));
}
