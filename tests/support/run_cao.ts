/**
 * @module
 * Runs cao two ways for tests: as a child process (`main.ts` under Deno with explicit permissions, the real
 * thing) and in-process with recorded deps (fast, for output checks). Plus a temp home that cleans itself up.
 * Test-only.
 */

import { fileURLToPath } from "node:url";
import type { CliDeps } from "../../src/cli/deps.ts";
import { runCli } from "../../src/cli/commands.ts";
import { runFastPath } from "../../src/cli/fast_path.ts";
import { sleep } from "../../src/shared/wait.ts";
import { spawnProcess } from "../../src/codex/spawn.ts";
import type { Prompts } from "../../src/deps/prompts.ts";

/** The path of main.ts. */
export const MAIN_TS: string = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** The permissions `deno task cao` grants, for spawning main.ts the way users run it. */
export const CAO_PERMISSIONS: string[] = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-sys=homedir,osRelease,hostname",
  "--allow-net=127.0.0.1,localhost",
];

/** A temp directory holding a user home and a cao home, removed on dispose. */
export interface TempHome extends AsyncDisposable {
  /** The temp root. */
  dir: string;
  /** A fake user home (`HOME`): its `.codex/` is the user's own Codex home. */
  userHome: string;
  /** The cao home (`CAO_HOME`). */
  caoHome: string;
}

/** Creates a temp user home and cao home. */
export async function makeTempHome(): Promise<TempHome> {
  const dir = await Deno.makeTempDir({ prefix: "cao-test-" });
  const userHome = `${dir}/home`;
  const caoHome = `${dir}/cao`;
  await Deno.mkdir(`${userHome}/.codex`, { recursive: true });
  return {
    dir,
    userHome,
    caoHome,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The result of a cao run. */
export interface CaoResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command line of `cao <args>` from source, as `deno task cao` runs it: `deno run <flags> main.ts <args>`. */
export function caoCommandLine(args: string[]): string[] {
  return [
    Deno.execPath(),
    "run",
    "--quiet",
    "--unstable-lazy-dynamic-imports",
    ...CAO_PERMISSIONS,
    MAIN_TS,
    ...args,
  ];
}

/** Options for {@link caoChild} and {@link runCaoProcess}. */
export interface RunCaoOptions {
  /** Extra environment (HOME, CAO_HOME, CODEX_HOME and NO_COLOR are set from the temp home). */
  env?: Record<string, string>;
  /** Text for stdin (default: none, stdin is null). */
  stdin?: string;
  cwd?: string;
}

/**
 * Starts `main.ts <args>` as a child the way a user runs cao (explicit permissions, the temp home as HOME,
 * CAO_HOME and CODEX_HOME, NO_COLOR=1), with stdout and stderr piped and stdin piped only when
 * `options.stdin` is given. The caller owns the child: read or cancel its output and await its status.
 */
export function caoChild(home: TempHome, args: string[], options: RunCaoOptions = {}): Deno.ChildProcess {
  const [deno, ...denoArgs] = caoCommandLine(args);
  return new Deno.Command(deno, {
    args: denoArgs,
    env: {
      HOME: home.userHome,
      USERPROFILE: home.userHome,
      CAO_HOME: home.caoHome,
      CODEX_HOME: `${home.userHome}/.codex`,
      NO_COLOR: "1",
      ...options.env,
    },
    cwd: options.cwd,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs `main.ts <args>` as a child with the temp home (see {@link caoChild}) and collects its output. */
export async function runCaoProcess(
  home: TempHome,
  args: string[],
  options: RunCaoOptions = {},
): Promise<CaoResult> {
  const child = caoChild(home, args, options);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** Options for {@link runCaoInProcess}. */
export interface InProcessOptions {
  /** "fast": main.ts's start-up fast path (-1 when it declines); default: the full parser. */
  entry?: "cli" | "fast";
  env?: Record<string, string>;
  now?: Date;
  terminal?: boolean;
  prompts?: Partial<Prompts>;
  fetch?: typeof fetch;
}

/** Runs the CLI in this process with recorded output (real files, real spawn; fake terminal and clock). */
export async function runCaoInProcess(
  home: TempHome,
  args: string[],
  options: InProcessOptions = {},
): Promise<CaoResult> {
  let stdout = "";
  let stderr = "";
  const env: Record<string, string> = {
    CAO_HOME: home.caoHome,
    CODEX_HOME: `${home.userHome}/.codex`,
    ...options.env,
  };
  const deps: CliDeps = {
    env: (name) => env[name],
    userHome: home.userHome,
    now: () => options.now ?? new Date(),
    stdout: (text) => stdout += text,
    stderr: (text) => stderr += text,
    isTerminal: () => ({ stdin: options.terminal ?? false, stdout: options.terminal ?? false }),
    spawn: spawnProcess,
    fetch: options.fetch ?? (() => Promise.reject(new Error("no network in this test"))),
    prompts: {
      select: options.prompts?.select ?? (() => Promise.reject(new Error("unexpected prompt"))),
      confirm: options.prompts?.confirm ?? (() => Promise.reject(new Error("unexpected prompt"))),
    },
    onSignal: () => () => {},
    sleep,
  };
  const code = options.entry === "fast" ? await runFastPath(args, deps) ?? -1 : await runCli(args, deps);
  return { code, stdout, stderr };
}
