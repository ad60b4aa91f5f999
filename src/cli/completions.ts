/**
 * @module
 * `cao completions <shell>` (print the script for bash, zsh, fish or PowerShell) and the hidden
 * `cao complete [--new-word] -- <words>` those scripts call on every Tab. Both read the finished program, so
 * register them after every other command. Account names come from the cao home the words name
 * (`--data-dir`), else the global option, `CAO_HOME` or the default home. Neither runs the home preflight: a
 * Tab never migrates a CAO 1.4.2 home or settles an interrupted change, whose report would be lost.
 */

import { readAccountNamesSync } from "../accounts/registry.ts";
import { caoPaths, resolveCaoRoot } from "../accounts/paths.ts";
import { Argument, type Command } from "../deps/commander.ts";
import { ExitCode } from "../shared/errors.ts";
import { dataDirIn, formatCompletion, resolveCompletion } from "./completion_resolve.ts";
import { completionScript, type Shell, SHELLS } from "./completion_scripts.ts";
import { completionTree } from "./completion_tree.ts";
import type { GlobalOptions, Runner } from "./context.ts";

/** Adds `completions` and `complete` to a program whose other commands are all registered. */
export function registerCompletions(program: Command, run: Runner): void {
  program.command("completions")
    .description("print a shell completion script: source <(cao completions bash)")
    .addArgument(new Argument("<shell>", "bash, zsh, fish or powershell").choices(SHELLS))
    .action((shell) =>
      run((ctx) => {
        ctx.deps.stdout(completionScript(shell as Shell));
        return Promise.resolve(ExitCode.ok);
      }, { preflight: false })
    );
  program.command("complete", { hidden: true })
    .description("complete a command line (what the completion scripts call)")
    .option("--new-word", "the cursor starts a new word after the words given")
    .argument("[words...]", "the words after cao, the last one under the cursor")
    .action((given, options) =>
      run((ctx) => {
        const words = options.newWord ? [...given, ""] : given.length > 0 ? given : [""];
        const accounts = () => {
          const root = resolveCaoRoot({
            dataDir: dataDirIn(words) ?? (program.opts() as GlobalOptions).dataDir,
            caoHomeEnv: ctx.deps.env("CAO_HOME"),
            userHome: ctx.deps.userHome,
          });
          return readAccountNamesSync(caoPaths(root).registry);
        };
        ctx.deps.stdout(formatCompletion(resolveCompletion(completionTree(program), words, accounts)));
        return Promise.resolve(ExitCode.ok);
      }, { preflight: false }) // a Tab only reads: it never migrates or settles the home (its stderr is hidden)
    );
}
