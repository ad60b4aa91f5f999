/**
 * @module
 * `cao remove <name> [--keep-files] [--yes]`: unregister an account and delete its home (its login) unless
 * `--keep-files`. Asks first on a terminal; without one, `--yes` is required.
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { removeAccount } from "../accounts/lifecycle.ts";
import { findAccount, loadRegistry } from "../accounts/registry.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import type { Command } from "../deps/commander.ts";
import { AccountNotFoundError, ExitCode, UsageError } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";

/** Options of `cao remove`. */
export interface RemoveOptions {
  keepFiles: boolean;
  yes: boolean;
}

/** Removes an account after confirmation. */
export async function removeAccountCommand(
  ctx: CommandContext,
  rawName: string,
  options: RemoveOptions,
): Promise<number> {
  const name = validateAccountName(rawName);
  if (!findAccount(await loadRegistry(ctx.home), name)) throw new AccountNotFoundError(name);
  if (!options.yes) {
    if (!ctx.interactive) {
      throw new UsageError(
        `Cannot remove "${name}" without confirmation: no terminal to ask on`,
        "pass --yes",
      );
    }
    const what = options.keepFiles
      ? "unregister it (files kept)"
      : "delete its home and login (its conversations move to your own Codex home)";
    const answer = await ctx.deps.prompts.confirm(`Remove account "${name}" and ${what}?`, false);
    if (answer !== true) {
      ctx.out.line("Nothing removed.");
      return ExitCode.ok;
    }
  }
  const sessionsTo = codexHomePaths(ctx.userCodexHome).sessions;
  const result = await removeAccount(ctx.home, name, { keepFiles: options.keepFiles, sessionsTo });
  ctx.out.line(`Removed account ${name}.`);
  if (result.sessionsMoved > 0) {
    ctx.out.line(
      `Its ${result.sessionsMoved} conversation file(s) were moved to ${sessionsTo} (plain "codex resume" finds them).`,
    );
  }
  if (result.keptFilesAt) ctx.out.line(`Its files are kept at ${result.keptFilesAt}`);
  if (result.defaultChanged) {
    ctx.out.line(
      result.newDefault
        ? `Default account is now ${ctx.out.color.bold(result.newDefault)}.`
        : "No accounts left.",
    );
  }
  return ExitCode.ok;
}

/** Registers `cao remove`. */
export function registerRemove(program: Command, run: Runner): void {
  program.command("remove")
    .alias("rm")
    .description("remove an account (asks first on a terminal)")
    .argument("<name>", "account name")
    .option("--keep-files", "keep the account's home on disk (moved aside)", false)
    .option("-y, --yes", "do not ask", false)
    .action((name, options) => run((ctx) => removeAccountCommand(ctx, name, options)));
}
