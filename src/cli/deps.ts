/**
 * @module
 * The one `deps` value: every effect the CLI needs from the outside world (environment, clock, terminal,
 * output streams, child processes, network), built once from the real runtime by {@link realDeps} and
 * replaced wholesale in tests. Only this file and `main.ts` touch `Deno.env`.
 */

import { type Prompts, terminalPrompts } from "../deps/prompts.ts";
import { type SpawnFn, spawnProcess } from "../codex/spawn.ts";

/** Everything effectful the CLI uses. */
export interface CliDeps {
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** The user's home directory. */
  userHome: string;
  /** The current time. */
  now(): Date;
  /** Writes text to standard output as is. */
  stdout(text: string): void;
  /** Writes text to standard error as is. */
  stderr(text: string): void;
  /** Whether stdin / stdout are terminals. */
  isTerminal(): { stdin: boolean; stdout: boolean };
  /** Starts child processes. */
  spawn: SpawnFn;
  /** HTTP client. */
  fetch: typeof fetch;
  /** Interactive prompts (used only on a terminal). */
  prompts: Prompts;
}

function writeAll(target: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += target.writeSync(bytes.subarray(offset));
}

/** The user's home: HOME, or USERPROFILE on Windows. */
export function userHomeFrom(env: (name: string) => string | undefined, os: string): string {
  const home = os === "windows" ? env("USERPROFILE") ?? env("HOME") : env("HOME") ?? env("USERPROFILE");
  return home ?? ".";
}

/** Builds the real deps from the running process. */
export function realDeps(): CliDeps {
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  return {
    env,
    userHome: userHomeFrom(env, Deno.build.os),
    now: () => new Date(),
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    isTerminal: () => ({ stdin: Deno.stdin.isTerminal(), stdout: Deno.stdout.isTerminal() }),
    spawn: spawnProcess,
    fetch: globalThis.fetch.bind(globalThis),
    prompts: terminalPrompts,
  };
}
