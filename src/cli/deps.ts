/**
 * @module
 * The one `deps` value: every effect the CLI needs from the outside world (environment, clock, terminal,
 * output streams, child processes, network), built once from the real runtime by {@link realDeps} and
 * replaced wholesale in tests. Only this file and `main.ts` touch `Deno.env`.
 */

import { type Prompts, terminalPrompts } from "../deps/prompts.ts";
import { type SpawnFn, spawnProcess } from "../codex/spawn.ts";
import { sleep } from "../shared/wait.ts";

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
  isTerminal(): { stdin: boolean; stdout: boolean; stderr?: boolean };
  /** The terminal's width in columns, or null when stdout is no terminal (optional: tests pass COLUMNS). */
  terminalColumns?(): number | null;
  /** Starts child processes. */
  spawn: SpawnFn;
  /** HTTP client. */
  fetch: typeof fetch;
  /** Interactive prompts (used only on a terminal). */
  prompts: Prompts;
  /** Listens for a signal sent to cao (SIGINT, SIGTERM, SIGHUP); returns the function that stops listening. */
  onSignal(signal: Deno.Signal, handler: () => void): () => void;
  /** Resolves after `ms`, or as soon as `abort` fires. */
  sleep(ms: number, abort?: AbortSignal): Promise<void>;
  /** Test hook: kills the process (SIGKILL, a real crash) at the step named by `CAO_TEST_CRASH_AT`. */
  crashPoint?(step: string): void;
}

/**
 * A writer of text to `target` that goes quiet once the reader went away: `cao list | head -1` closes the pipe
 * after one line, and the rest of the output has nowhere to go. That is not a failure of the command, so its
 * exit code stays the one it would have had (Deno ignores SIGPIPE and reports EPIPE instead).
 */
function pipeWriter(target: { writeSync(p: Uint8Array): number }): (text: string) => void {
  let closed = false;
  return (text) => {
    if (closed) return;
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    try {
      while (offset < bytes.length) offset += target.writeSync(bytes.subarray(offset));
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      closed = true;
    }
  };
}

/** Adds a process signal listener; a signal the platform cannot listen for is ignored. */
function listenForSignal(signal: Deno.Signal, handler: () => void): () => void {
  try {
    Deno.addSignalListener(signal, handler);
  } catch {
    return () => {};
  }
  return () => {
    try {
      Deno.removeSignalListener(signal, handler);
    } catch { /* already removed */ }
  };
}

/** The user's home: HOME, or USERPROFILE on Windows. */
export function userHomeFrom(env: (name: string) => string | undefined, os: string): string {
  const home = os === "windows" ? env("USERPROFILE") ?? env("HOME") : env("HOME") ?? env("USERPROFILE");
  return home ?? ".";
}

/** The crash hook for `CAO_TEST_CRASH_AT=<step>`: SIGKILL at that step, nothing elsewhere. */
function crashPointFor(step: string | undefined): ((at: string) => void) | undefined {
  if (step === undefined || step === "") return undefined;
  return (at) => {
    if (at === step) Deno.kill(Deno.pid, "SIGKILL");
  };
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
    stdout: pipeWriter(Deno.stdout),
    stderr: pipeWriter(Deno.stderr),
    isTerminal: () => ({
      stdin: Deno.stdin.isTerminal(),
      stdout: Deno.stdout.isTerminal(),
      stderr: Deno.stderr.isTerminal(),
    }),
    terminalColumns: () => {
      try {
        return Deno.stdout.isTerminal() ? Deno.consoleSize().columns : null;
      } catch {
        return null;
      }
    },
    spawn: spawnProcess,
    fetch: globalThis.fetch.bind(globalThis),
    prompts: terminalPrompts,
    onSignal: listenForSignal,
    sleep,
    crashPoint: crashPointFor(env("CAO_TEST_CRASH_AT")),
  };
}
