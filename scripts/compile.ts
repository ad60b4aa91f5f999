/**
 * @module
 * `deno task compile`: builds the release binaries of cao with `deno compile`, one per target, into
 * `dist/cao-<version>-<target>[.exe]` (version from deno.json), then writes `dist/SHA256SUMS`.
 * Deciding (arguments, `deno compile` flags, file names, failure diagnosis) is pure and exported;
 * `compileRelease` runs the builds through a `runDeno` edge passed in, and returns an exit code.
 *
 * ```sh
 * deno task compile                                  # every target
 * deno task compile --target aarch64-apple-darwin    # some targets (repeatable)
 * deno task compile --current                        # the host's target only
 * ```
 *
 * `deno compile` downloads a runtime (denort) per target from dl.deno.land; where that host is
 * unreachable the script says so in one line instead of showing deno's error chain.
 */

// deno-lint-ignore-file no-console -- a script: printing is its job

import { parseArgs } from "node:util";
import { assetName, checkVersion, isTarget, type Target, TARGETS } from "./release_assets.ts";
import { renderSums, type SumEntry } from "./sha256_sums.ts";
import { GATEWAY_V8_FLAGS } from "../src/gateway/detached.ts";

/** The help text of this script. */
export const USAGE = `Usage: deno task compile [--target <target>]... [--current]

Compiles main.ts into dist/cao-<version>-<target>[.exe] for every release target (or only the
--target ones, or with --current only the host's), then writes dist/SHA256SUMS for the files built.

Targets: ${TARGETS.join(", ")}
`;

/** The program compiled, relative to the project root. */
export const ENTRY_POINT = "main.ts";
/** Where binaries and `SHA256SUMS` are written, relative to the project root. */
export const DIST_DIR = "dist";

/**
 * Permissions baked into every binary: those of `deno task cao`. Read and write are deliberately
 * unscoped: `deno compile` resolves scoped paths to absolute paths at build time, so a scope such as
 * `--allow-read=~/.codex` would bake in the home directory of the build machine.
 */
export const PERMISSION_FLAGS: readonly string[] = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-net",
  "--allow-sys=homedir,osRelease,hostname",
];

/** V8 flags baked into every binary: the gateway's capped young generation (it runs from the same binary). */
export const V8_FLAGS: readonly string[] = [GATEWAY_V8_FLAGS];

/** The outcome of reading this script's arguments. */
export type CompileArgs =
  | { kind: "help" }
  | { kind: "usage"; message: string }
  | { kind: "ok"; targets: Target[] };

/** Reads `--target` (repeatable), `--current` and `--help`; `hostTarget` is `Deno.build.target`. */
export function parseCompileArgs(args: readonly string[], hostTarget: string): CompileArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        target: { type: "string", multiple: true },
        current: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: "usage", message: (error as Error).message };
  }
  if (values.help) return { kind: "help" };
  const requested = values.target ?? [];
  if (values.current) {
    if (requested.length > 0) return { kind: "usage", message: "Use either --current or --target, not both" };
    if (!isTarget(hostTarget)) {
      return {
        kind: "usage",
        message: `Cannot build for the host "${hostTarget}": it is not a release target`,
      };
    }
    return { kind: "ok", targets: [hostTarget] };
  }
  for (const target of requested) {
    if (!isTarget(target)) {
      return {
        kind: "usage",
        message: `Cannot build for "${target}": expected one of ${TARGETS.join(", ")}`,
      };
    }
  }
  const targets = requested.length === 0 ? [...TARGETS] : [...new Set(requested as Target[])];
  return { kind: "ok", targets };
}

/** The path of the binary for `target`, relative to the project root (always with `/`). */
export function outputPath(version: string, target: Target): string {
  return `${DIST_DIR}/${assetName(version, target)}`;
}

/** The arguments of `deno` that compile the binary for `target`, run from the project root. */
export function compileCommandArgs(version: string, target: Target): string[] {
  return [
    "compile",
    ...PERMISSION_FLAGS,
    ...V8_FLAGS,
    // Embed only the npm packages main.ts reaches, not everything in deno.lock.
    "--exclude-unused-npm",
    "--target",
    target,
    "--output",
    outputPath(version, target),
    ENTRY_POINT,
  ];
}

/** The `version` field of deno.json's text; throws when it is missing or not a semantic version. */
export function versionFromDenoJson(text: string): string {
  let config: { version?: unknown };
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot read the version: deno.json is not valid JSON (${(error as Error).message})`);
  }
  if (typeof config.version !== "string") {
    throw new Error(`Cannot read the version: deno.json has no "version"`);
  }
  return checkVersion(config.version);
}

/** Whether `deno compile` failed because it could not download its runtime for the target. */
export function isRuntimeDownloadFailure(stderr: string): boolean {
  // deno reports: "Setting up base binary. … error sending request for url (https://dl.deno.land/…)".
  // A generic "error sending request" alone could be an npm download, so it is not enough.
  // deno-lint-ignore no-control-regex
  const plain = stderr.replace(/\x1b\[[0-9;]*m/g, "");
  return /Setting up base binary|dl\.deno\.land|denort-/.test(plain);
}

/** The one-line explanation printed when the runtime for `target` cannot be downloaded. */
export function runtimeDownloadMessage(target: Target): string {
  return `Cannot compile for ${target}: deno compile could not download its runtime ` +
    `(this machine cannot reach dl.deno.land). The release workflow builds the binaries.`;
}

/** Runs `deno <args>` from the project root; stdout is passed through, stderr captured. */
export type RunDeno = (args: string[]) => Promise<{ code: number; stderr: string }>;

/** The edges of `compileRelease`. */
export interface CompileDeps {
  /** The project root (the directory holding deno.json and main.ts), as a directory URL. */
  root: URL;
  runDeno: RunDeno;
  /** Writes one line of progress or diagnosis (to stderr). */
  log(line: string): void;
}

/**
 * Compiles `targets` one after the other and writes `dist/SHA256SUMS` for them. Stops at the first
 * failure (leaving no SHA256SUMS behind) and returns 1; returns 0 when every target was built.
 */
export async function compileRelease(
  version: string,
  targets: readonly Target[],
  deps: CompileDeps,
): Promise<number> {
  const dist = new URL(`${DIST_DIR}/`, deps.root);
  await Deno.mkdir(dist, { recursive: true });
  await Deno.remove(new URL("SHA256SUMS", dist)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const sums: SumEntry[] = [];
  for (const target of targets) {
    deps.log(`Compiling ${ENTRY_POINT} for ${target} into ${outputPath(version, target)}`);
    const { code, stderr } = await deps.runDeno(compileCommandArgs(version, target));
    if (code !== 0) {
      if (isRuntimeDownloadFailure(stderr)) {
        deps.log(runtimeDownloadMessage(target));
      } else {
        deps.log(stderr.trimEnd());
        deps.log(`Cannot compile for ${target}: deno compile exited with code ${code} (its output is above)`);
      }
      return 1;
    }
    const name = assetName(version, target);
    const bytes = await Deno.readFile(new URL(name, dist));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    sums.push({ name, sha256: Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("") });
  }
  await Deno.writeTextFile(new URL("SHA256SUMS", dist), renderSums(sums));
  deps.log(
    `Wrote ${DIST_DIR}/SHA256SUMS listing ${sums.length} ${sums.length === 1 ? "binary" : "binaries"}`,
  );
  return 0;
}

/** The real `runDeno`: the deno running this script, in the project root. */
export function realRunDeno(root: URL): RunDeno {
  return async (args) => {
    const command = new Deno.Command(Deno.execPath(), {
      args,
      cwd: root,
      stdout: "inherit",
      stderr: "piped",
    });
    const { code, stderr } = await command.output();
    return { code, stderr: new TextDecoder().decode(stderr) };
  };
}

/**
 * The whole script: reads the arguments and deno.json's version, then compiles. Help and progress go
 * to `deps.log`. Returns 0 on success, 1 on a failed build or unreadable deno.json, 2 on a usage error.
 */
export async function runCompile(
  args: readonly string[],
  hostTarget: string,
  deps: CompileDeps,
): Promise<number> {
  const parsed = parseCompileArgs(args, hostTarget);
  if (parsed.kind === "help") {
    deps.log(USAGE);
    return 0;
  }
  if (parsed.kind === "usage") {
    deps.log(`${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  let version: string;
  try {
    version = versionFromDenoJson(await Deno.readTextFile(new URL("deno.json", deps.root)));
  } catch (error) {
    deps.log((error as Error).message);
    return 1;
  }
  return await compileRelease(version, parsed.targets, deps);
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const deps: CompileDeps = { root, runDeno: realRunDeno(root), log: (line) => console.error(line) };
  Deno.exit(await runCompile(Deno.args, Deno.build.target, deps));
}
