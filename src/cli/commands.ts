/**
 * @module
 * The command table and the top of the CLI: parses argv with commander, runs one command with a fresh
 * context, and turns every outcome into an exit code. Errors are printed here (redacted); only `main.ts`
 * exits the process.
 */

import { Command, CommanderError } from "../deps/commander.ts";
import { ExitCode } from "../shared/errors.ts";
import { VERSION } from "../version.ts";
import { runCommandBody } from "./command_body.ts";
import { registerCompletions } from "./completions.ts";
import { type ErrorPlace, usageLines } from "./usage_errors.ts";
import { redactSecrets } from "../shared/redact.ts";
import { reportFailure } from "./report_error.ts";
import { createContext, type GlobalOptions, type Register, type Runner } from "./context.ts";
import type { CliDeps } from "./deps.ts";

/** One row of the command table: the names it answers to and how to load its module. */
interface CommandEntry {
  names: string[];
  load(): Promise<Register>;
}

/**
 * The command table, in the order `cao --help` lists them. Modules are loaded lazily: a command's code (and
 * what it imports) is read only when that command runs, or when the whole program is needed (help, an
 * unknown command, completions).
 */
const COMMANDS: CommandEntry[] = [
  { names: ["add"], load: async () => (await import("./add.ts")).registerAdd },
  { names: ["list", "ls"], load: async () => (await import("./list.ts")).registerList },
  { names: ["current"], load: async () => (await import("./current.ts")).registerCurrent },
  { names: ["use"], load: async () => (await import("./use.ts")).registerUse },
  { names: ["switch"], load: async () => (await import("./switch.ts")).registerSwitch },
  { names: ["rename"], load: async () => (await import("./rename.ts")).registerRename },
  { names: ["remove", "rm"], load: async () => (await import("./remove.ts")).registerRemove },
  { names: ["import"], load: async () => (await import("./import.ts")).registerImport },
  { names: ["run"], load: async () => (await import("./run.ts")).registerRun },
  { names: ["gateway"], load: async () => (await import("./gateway.ts")).registerGateway },
  { names: ["reserve"], load: async () => (await import("./reserve.ts")).registerReserve },
  { names: ["cooldown"], load: async () => (await import("./cooldown.ts")).registerCooldown },
  { names: ["notify"], load: async () => (await import("./notify.ts")).registerNotify },
  { names: ["status"], load: async () => (await import("./status.ts")).registerStatus },
  { names: ["doctor"], load: async () => (await import("./doctor.ts")).registerDoctor },
  { names: ["report"], load: async () => (await import("./report.ts")).registerReport },
  { names: ["dashboard"], load: async () => (await import("./dashboard.ts")).registerDashboard },
];

/** Global options that take a value (their value is not a command name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(["--data-dir", "--codex"]);

/** The first word of `argv` that names a command, skipping global options and their values. Pure. */
export function commandNameOf(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return null;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return null;
}

/** The registrations needed for `argv` (only the named command's, when it names one); all without argv. */
export async function loadRegisters(argv?: string[]): Promise<Register[]> {
  const name = argv === undefined ? null : commandNameOf(argv);
  if (name === null && argv !== undefined && argv.some((a) => a === "--version" || a === "-V")) return [];
  const entry = name === null ? undefined : COMMANDS.find((e) => e.names.includes(name));
  return await Promise.all((entry ? [entry] : COMMANDS).map((e) => e.load()));
}

/** Builds the program with the given registrations; `run` executes command bodies. Exported for the tests. */
export function buildProgram(deps: CliDeps, run: Runner, registers: Register[]): Command {
  const program = new Command()
    .name("cao")
    .description("codex-account-orchestrator: run the Codex CLI across several ChatGPT accounts")
    .version(VERSION, "-V, --version", "print the cao version")
    .option("--data-dir <path>", "cao home (default: $CAO_HOME or ~/.codex-account-orchestrator)")
    .option("--codex <path>", "codex executable (default: $CAO_CODEX_BIN or codex on PATH)")
    .option("--no-color", "no colour in output (NO_COLOR is honoured too)")
    .helpOption("-h, --help", "show help")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout(text),
      writeErr: (text) => deps.stderr(text),
      // Parser errors are printed by reportError, reworded (usage_errors.ts).
      outputError: () => {},
    });
  for (const register of registers) register(program, run);
  registerCompletions(program, run);
  markErrorPlaces(program, []);
  return program;
}

/** A parser error, with the command it happened in. */
type PlacedError = CommanderError & { place?: ErrorPlace };

/** Makes every command's parser errors carry where they happened (for the hint). */
function markErrorPlaces(command: Command, path: string[]): void {
  command.exitOverride((error: PlacedError) => {
    error.place ??= { path, usage: command.usage() };
    throw error;
  });
  for (const sub of command.commands as Command[]) markErrorPlaces(sub, [...path, sub.name()]);
}

/** Runs the CLI for `argv` and returns the exit code. Never exits the process. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const holder: { program?: Command } = {};
  const run: Runner = async (body, how) => {
    const globals = (holder.program?.opts() ?? {}) as GlobalOptions;
    exitCode = await runCommandBody(createContext(deps, globals), body, how);
  };
  const program = holder.program = buildProgram(deps, run, await loadRegisters(argv));
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, deps);
  }
}

/** Prints an error the STYLE.md way and returns its exit code. */
function reportError(error: unknown, deps: CliDeps): number {
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0
    ) {
      return ExitCode.ok;
    }
    if (error.code === "commander.help") return ExitCode.ok;
    const lines = usageLines(error.message, (error as PlacedError).place ?? { path: [], usage: "" });
    deps.stderr(`error: ${redactSecrets(lines.message)}\n`);
    if (lines.hint) deps.stderr(`hint: ${redactSecrets(lines.hint)}\n`);
    return ExitCode.usage;
  }
  return reportFailure(error, deps.stderr);
}
