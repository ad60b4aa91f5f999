/**
 * @module
 * `cao rename <old> <new>`: move an account's home and keep its status, position and default mark.
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { renameAccount } from "../accounts/lifecycle.ts";
import type { Command } from "../deps/commander.ts";
import { ExitCode } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";

/** Renames an account. */
export async function renameAccountCommand(ctx: CommandContext, from: string, to: string): Promise<number> {
  validateAccountName(from);
  validateAccountName(to);
  await renameAccount(ctx.home, from, to);
  ctx.out.line(`Renamed ${from} to ${ctx.out.color.bold(to)} (home: ${ctx.home.paths.accountDir(to)})`);
  return ExitCode.ok;
}

/** Registers `cao rename`. */
export function registerRename(program: Command, run: Runner): void {
  program.command("rename")
    .description("rename an account (its home, status and default mark move with it)")
    .argument("<old>", "current name")
    .argument("<new>", "new name")
    .action((from, to) => run((ctx) => renameAccountCommand(ctx, from, to)));
}
