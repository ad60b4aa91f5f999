/**
 * @module
 * The per-invocation context handed to every command: deps, output, the cao home, the codex command, the
 * user's own Codex home, and whether prompting is allowed; and the types of the command table's rows
 * (`Runner`, `Register`), so that command files need not import the table.
 */

import { joinPath } from "../fs/path.ts";
import { type CaoHome, openCaoHome } from "../accounts/cao_home.ts";
import { resolveCaoRoot } from "../accounts/paths.ts";
import { resolveCodexCommand } from "../codex/codex_command.ts";
import type { Command } from "../deps/commander.ts";
import type { CliDeps } from "./deps.ts";
import { colorEnabled, createOutput, type Output, palette } from "./output.ts";

/** The options every command accepts. */
export interface GlobalOptions {
  /** `--data-dir <path>`. */
  dataDir?: string;
  /** False with `--no-color`. */
  color?: boolean;
  /** `--codex <path>`. */
  codex?: string;
}

/** What a command runs with. */
export interface CommandContext {
  deps: CliDeps;
  out: Output;
  home: CaoHome;
  /** The codex command to run. */
  codex: string;
  /** The user's own CODEX_HOME (`CODEX_HOME` or `~/.codex`), whose config.toml is carried into accounts. */
  userCodexHome: string;
  /** True when stdin and stdout are terminals: prompts are allowed. */
  interactive: boolean;
}

/** Runs one command body with a context and records its exit code. */
export type Runner = (
  body: (ctx: CommandContext) => Promise<number>,
  how?: RunOptions,
) => Promise<void>;

/** How a command body runs. */
export interface RunOptions {
  /** false: the body never touches the cao home, so no preflight (no migration, no settling, no clean-up). */
  preflight?: boolean;
}

/** A module in the command table: adds its command(s) to the program. */
export type Register = (program: Command, run: Runner) => void;

/** Builds the context from deps and the parsed global options. */
export function createContext(deps: CliDeps, globals: GlobalOptions): CommandContext {
  const terminal = deps.isTerminal();
  const color = palette(colorEnabled({
    flag: globals.color !== false,
    noColorEnv: deps.env("NO_COLOR"),
    isTerminal: terminal.stdout,
  }));
  const out = createOutput(deps.stdout, deps.stderr, color);
  const root = resolveCaoRoot({
    dataDir: globals.dataDir,
    caoHomeEnv: deps.env("CAO_HOME"),
    userHome: deps.userHome,
  });
  return {
    deps,
    out,
    home: openCaoHome(root, deps.now, out.warn, deps.crashPoint),
    codex: resolveCodexCommand(globals.codex, deps.env("CAO_CODEX_BIN")),
    userCodexHome: deps.env("CODEX_HOME") || joinPath(deps.userHome, ".codex"),
    interactive: terminal.stdin && terminal.stdout,
  };
}
