/**
 * @module
 * Locates the real native Codex CLI 0.169.0 binary for integration tests and runs it.
 *
 * Lookup order: `CAO_TEST_CODEX` (a path), then the platform package `@openai/codex@0.169.0-<os>-<arch>`
 * in Deno's npm cache (fetched by `scripts/fetch_codex.ts`, which `deno task test` runs first). The
 * native binary is used directly, never the `codex.js` Node shim. Test-only: it never downloads anything.
 */

import { onCi } from "./ci_tools.ts";

/** The Codex CLI version the tests are written against. */
export const CODEX_TEST_VERSION = "0.169.0";

/** npm platform suffix and Rust target triple of the native package for a Deno os/arch pair. */
export function codexTarget(
  os: string = Deno.build.os,
  arch: string = Deno.build.arch,
): { platform: string; triple: string; exe: string } {
  const key = `${os}/${arch}`;
  switch (key) {
    case "linux/x86_64":
      return { platform: "linux-x64", triple: "x86_64-unknown-linux-musl", exe: "codex" };
    case "linux/aarch64":
      return { platform: "linux-arm64", triple: "aarch64-unknown-linux-musl", exe: "codex" };
    case "darwin/x86_64":
      return { platform: "darwin-x64", triple: "x86_64-apple-darwin", exe: "codex" };
    case "darwin/aarch64":
      return { platform: "darwin-arm64", triple: "aarch64-apple-darwin", exe: "codex" };
    case "windows/x86_64":
      return { platform: "win32-x64", triple: "x86_64-pc-windows-msvc", exe: "codex.exe" };
    case "windows/aarch64":
      return { platform: "win32-arm64", triple: "aarch64-pc-windows-msvc", exe: "codex.exe" };
    default:
      throw new Error(`Cannot locate the codex binary for "${key}": Codex ships no native package for it`);
  }
}

/** Deno's npm cache directory, as reported by `deno info --json`. */
export async function denoNpmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot run "deno info --json": ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { npmCache?: string };
  if (!info.npmCache) throw new Error(`Cannot read "npmCache" from "deno info --json"`);
  return info.npmCache;
}

/** Where the native codex binary lives inside Deno's npm cache (it may not exist yet). */
export async function npmCacheCodexPath(): Promise<string> {
  const { platform, triple, exe } = codexTarget();
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  return [
    await denoNpmCache(),
    "registry.npmjs.org",
    "@openai",
    "codex",
    `${CODEX_TEST_VERSION}-${platform}`,
    "vendor",
    triple,
    "bin",
    exe,
  ].join(sep);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function locateCodex(): Promise<string> {
  const fromEnv = Deno.env.get("CAO_TEST_CODEX");
  if (fromEnv) {
    if (await isFile(fromEnv)) return fromEnv;
    throw new Error(`Cannot use CAO_TEST_CODEX "${fromEnv}": no such file`);
  }
  const path = await npmCacheCodexPath();
  if (await isFile(path)) return path;
  throw new Error(
    `Cannot find codex ${CODEX_TEST_VERSION} at "${path}": run "deno task test" (it fetches codex first) ` +
      `or set CAO_TEST_CODEX to a codex ${CODEX_TEST_VERSION} binary`,
  );
}

let cached: Promise<string> | undefined;

/** Path of the real native codex binary; throws with instructions when it is missing. Cached per process. */
export function codexBinary(): Promise<string> {
  cached ??= locateCodex();
  cached.catch(() => cached = undefined);
  return cached;
}

/**
 * Whether {@linkcode codexBinary} can find the binary (for `ignore:` on tests that need it). Always true on CI,
 * so that there a missing binary fails those tests (with {@linkcode codexBinary}'s instructions) instead of
 * skipping them.
 */
export async function codexAvailable(): Promise<boolean> {
  if (onCi()) return true;
  try {
    await codexBinary();
    return true;
  } catch {
    return false;
  }
}

/** Options for {@linkcode runCodex}. */
export interface RunCodexOptions {
  /** Extra environment on top of the inherited one (set CODEX_HOME here). */
  env?: Record<string, string>;
  /** Working directory of the child (use a temp dir, not the repo). */
  cwd?: string;
  /** Kill the child (SIGKILL) after this long; default 120 s. The result then has `timedOut: true`. */
  timeoutMs?: number;
}

/** Outcome of one codex run. */
export interface CodexRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs the real codex with stdin null and captured output, killing it if it outlives `timeoutMs`. */
export async function runCodex(args: string[], options: RunCodexOptions = {}): Promise<CodexRun> {
  const child = new Deno.Command(await codexBinary(), {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.timeoutMs ?? 120_000);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The native Codex 0.171 binary: `CAO_TEST_CODEX_171` (which .ci/run sets), else where the CI cache puts it;
 * null when neither is there.
 */
export async function codex171Binary(): Promise<string | null> {
  const { platform, triple, exe } = codexTarget();
  const cached =
    `${Deno.env.get("HOME")}/.cache/cao-ci/codex-0.171.0/node_modules/@openai/codex-${platform}/vendor/` +
    `${triple}/bin/${exe}`;
  for (const path of [Deno.env.get("CAO_TEST_CODEX_171"), cached]) {
    if (path && await isFile(path)) return path;
  }
  return null;
}

/** The version a Codex binary reports (`codex --version` prints `codex-cli 0.171.0`), as [major, minor, patch]. */
export async function codexVersion(path: string): Promise<[number, number, number]> {
  const out = await new Deno.Command(path, {
    args: ["--version"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!out.success || !match) {
    throw new Error(`Cannot read the version of "${path}": it printed "${text.trim()}"`);
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
