/**
 * @module
 * The command table and the top of the CLI: parses argv with commander, runs one command with a fresh
 * context, and turns every outcome into an exit code. Errors are printed here (redacted); only `main.ts`
 * exits the process.
 */

import denoJson from "../../deno.json" with { type: "json" };
import { Command, CommanderError } from "../deps/commander.ts";
import { attachCompletions, withConsoleLogTo } from "../deps/completions.ts";
import { readAccountNamesSync } from "../accounts/registry.ts";
import { ExitCode } from "../shared/errors.ts";
import { reportFailure } from "./report_error.ts";
import { type CommandContext, createContext, type GlobalOptions } from "./context.ts";
import type { CliDeps } from "./deps.ts";
import { registerAdd } from "./add.ts";
import { registerCurrent } from "./current.ts";
import { registerGateway } from "./gateway.ts";
import { registerDoctor } from "./doctor.ts";
import { registerImport } from "./import.ts";
import { registerList } from "./list.ts";
import { registerRemove } from "./remove.ts";
import { registerRename } from "./rename.ts";
import { registerReserve } from "./reserve.ts";
import { registerReport } from "./report.ts";
import { registerRun } from "./run.ts";
import { registerStatus } from "./status.ts";
import { registerSwitch } from "./switch.ts";
import { registerUse } from "./use.ts";

/** The version of this build, from deno.json. */
export const VERSION: string = denoJson.version;

/** Runs one command body with a context and records its exit code. */
export type Runner = (body: (ctx: CommandContext) => Promise<number>) => Promise<void>;

/** A module in the command table: adds its command(s) to the program. */
export type Register = (program: Command, run: Runner) => void;

/** The command table, in the order `cao --help` lists them. */
const COMMANDS: Register[] = [
  registerAdd,
  registerList,
  registerCurrent,
  registerUse,
  registerSwitch,
  registerRename,
  registerRemove,
  registerImport,
  registerRun,
  registerGateway,
  registerReserve,
  registerStatus,
  registerDoctor,
  registerReport,
];

/** Builds the program; `run` executes command bodies. Exported for the help-text tests. */
export function buildProgram(deps: CliDeps, run: Runner): Command {
  const program = new Command()
    .name("cao")
    .description("codex-account-orchestrator: run the Codex CLI across several ChatGPT accounts")
    .version(VERSION, "-V, --version", "print the cao version")
    .option("--data-dir <path>", "cao home (default: $CAO_HOME or ~/.codex-account-orchestrator)")
    .option("--codex <path>", "codex executable (default: $CAO_CODEX_BIN or codex on PATH)")
    .option("--no-color", "no colour in output (NO_COLOR is honoured too)")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError('(run "cao --help" for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout(text),
      writeErr: (text) => deps.stderr(text),
    });
  for (const register of COMMANDS) register(program, run);
  const accountNames = () => readAccountNamesSync(createContext(deps, program.opts()).home.paths.registry);
  const byName = { argument: "name", values: accountNames };
  attachCompletions(program, {
    use: byName,
    switch: byName,
    remove: byName,
    add: byName,
    rename: { argument: "old", values: accountNames },
  });
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI for `argv` and returns the exit code. Never exits the process. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const holder: { program?: Command } = {};
  const run: Runner = async (body) => {
    const globals = (holder.program?.opts() ?? {}) as GlobalOptions;
    exitCode = await body(createContext(deps, globals));
  };
  const program = holder.program = buildProgram(deps, run);
  try {
    await withConsoleLogTo(deps.stdout, () => program.parseAsync(argv, { from: "user" }));
    return exitCode;
  } catch (error) {
    return reportError(error, deps);
  }
}

/** Prints an error the STYLE.md way and returns its exit code. */
export function reportError(error: unknown, deps: CliDeps): number {
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0
    ) {
      return ExitCode.ok;
    }
    if (error.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage;
  }
  return reportFailure(error, deps.stderr);
}
