/**
 * @module
 * The one function type for starting a child process, and its real implementation on `Deno.Command`.
 * Everything that runs codex takes a {@link SpawnFn}, so tests can point it at the real codex binary, and
 * starts it through {@link spawnCodex}, the one place a codex that cannot be started becomes a
 * `CodexNotFoundError`.
 */

import { CodexNotFoundError } from "../shared/errors.ts";

/** What to do with one of the child's standard streams. */
export type Stdio = "inherit" | "piped" | "null";

/** Options for starting a child. */
export interface SpawnOptions {
  /** Arguments after the command. */
  args: string[];
  /** Variables to set on top of the inherited environment. */
  env?: Record<string, string>;
  /** Working directory (default: the current one). */
  cwd?: string;
  stdin?: Stdio;
  stdout?: Stdio;
  stderr?: Stdio;
}

/** How a child ended: its exit code, and the signal that killed it, if any. */
export interface ExitStatus {
  code: number;
  signal: Deno.Signal | null;
}

/** A running child. */
export interface SpawnedProcess {
  pid: number;
  /** Resolves when the child exits. */
  status: Promise<ExitStatus>;
  /** The child's stdout when piped. */
  stdout: ReadableStream<Uint8Array> | null;
  /** The child's stderr when piped. */
  stderr: ReadableStream<Uint8Array> | null;
  /** The child's stdin when piped. */
  stdin?: WritableStream<Uint8Array> | null;
  /** Sends a signal to the child. */
  kill(signal?: Deno.Signal): void;
}

/** Starts `command`; throws `Deno.errors.NotFound` when it does not exist. */
export type SpawnFn = (command: string, options: SpawnOptions) => SpawnedProcess;

/** The real spawn edge: the only place that calls `new Deno.Command`. */
export const spawnProcess: SpawnFn = (command: string, options: SpawnOptions): SpawnedProcess => {
  const child = new Deno.Command(command, {
    args: options.args,
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin ?? "inherit",
    stdout: options.stdout ?? "inherit",
    stderr: options.stderr ?? "inherit",
  }).spawn();
  return {
    pid: child.pid,
    status: child.status.then((s) => ({ code: s.code, signal: s.signal })),
    stdout: options.stdout === "piped" ? child.stdout : null,
    stderr: options.stderr === "piped" ? child.stderr : null,
    stdin: options.stdin === "piped" ? child.stdin : null,
    kill: (signal) => child.kill(signal),
  };
};

/** Starts the codex command; throws CodexNotFoundError when it is missing or cannot be run. */
export function spawnCodex(spawn: SpawnFn, codex: string, options: SpawnOptions): SpawnedProcess {
  try {
    return spawn(codex, options);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
      throw new CodexNotFoundError(codex, error);
    }
    throw error;
  }
}

/** The spawn function for codex: {@link spawnCodex} as a {@link SpawnFn}. */
export function codexSpawner(spawn: SpawnFn): SpawnFn {
  return (command, options) => spawnCodex(spawn, command, options);
}

/** Runs a child to completion with piped output and returns its exit status and text output. */
export async function runToCompletion(
  spawn: SpawnFn,
  command: string,
  options: Omit<SpawnOptions, "stdout" | "stderr">,
): Promise<ExitStatus & { stdout: string; stderr: string }> {
  const child = spawn(command, {
    ...options,
    stdin: options.stdin ?? "null",
    stdout: "piped",
    stderr: "piped",
  });
  const [stdout, stderr, status] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.status,
  ]);
  return { ...status, stdout, stderr };
}
