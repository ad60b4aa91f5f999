/**
 * @module
 * `cao switch [name]`: make an account the default, picking it interactively on a terminal when no name is
 * given. Without a terminal a name is required.
 */

import { collectAccountSummaries } from "../codex/account_summary.ts";
import type { Command } from "../deps/commander.ts";
import { CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";
import { describeLogin } from "./login_text.ts";
import { useAccount } from "./default_account.ts";

/** Switches the default account. */
export async function switchAccount(ctx: CommandContext, name: string | undefined): Promise<number> {
  if (name !== undefined) return await useAccount(ctx, name);
  if (!ctx.interactive) {
    throw new UsageError("Cannot pick an account: no terminal to ask on", 'pass a name: "cao switch <name>"');
  }
  const summaries = await collectAccountSummaries(ctx.home);
  if (summaries.length === 0) {
    throw new CaoError("Cannot switch: no accounts are registered", {
      hint: 'add one with "cao add <name>"',
    });
  }
  const choice = await ctx.deps.prompts.select(
    "Default account",
    summaries.map((s) => ({ value: s.name, label: s.name, hint: describeLogin(s.login) })),
    summaries.find((s) => s.isDefault)?.name,
  );
  if (choice === null) {
    ctx.out.line("Nothing changed.");
    return ExitCode.ok;
  }
  return await useAccount(ctx, choice);
}

/** Registers `cao switch`. */
export function registerSwitch(program: Command, run: Runner): void {
  program.command("switch")
    .description("make an account the default (interactive picker on a terminal)")
    .argument("[name]", "account name")
    .action((name) => run((ctx) => switchAccount(ctx, name)));
}
