/**
 * @module
 * The whole command tree of cao, built the way `cao --help` builds it but with inert deps, for tests that
 * walk every command (the README's command table, the `--help` snapshots). Test-only.
 */

import type { CliDeps } from "../../src/cli/deps.ts";
import { buildProgram, loadRegisters } from "../../src/cli/commands.ts";
import type { Command } from "../../src/deps/commander.ts";

const INERT_DEPS = {
  env: () => undefined,
  userHome: "/nonexistent",
  now: () => new Date(0),
  stdout: () => {},
  stderr: () => {},
  isTerminal: () => ({ stdin: false, stdout: false }),
} as unknown as CliDeps;

/** Every command registered, none of them run. */
export async function loadFullProgram(): Promise<Command> {
  return buildProgram(INERT_DEPS, () => Promise.resolve(), await loadRegisters());
}

/** Every command a user can name, as paths (`["gateway", "start"]`), in help order; not help or complete. */
export function commandPaths(program: Command, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const command of program.commands as Command[]) {
    const name = command.name();
    if (name === "help" || name === "complete") continue;
    paths.push([...prefix, name], ...commandPaths(command, [...prefix, name]));
  }
  return paths;
}
