/**
 * @module
 * `cao current [--json]`: the default account (the one `cao run` starts on).
 */

import { loadStatusFile } from "../accounts/status_store.ts";
import { collectAccountSummaries } from "../codex/account_summary.ts";
import type { Command } from "../deps/commander.ts";
import { CaoError, ExitCode } from "../shared/errors.ts";
import { accountJson } from "./account_json.ts";
import type { CommandContext, Runner } from "./context.ts";
import { describeLogin } from "./login_text.ts";

/** Prints the default account. */
export async function showCurrent(ctx: CommandContext, options: { json: boolean }): Promise<number> {
  const summary = (await collectAccountSummaries(ctx.home)).find((s) => s.isDefault);
  if (!summary) {
    throw new CaoError("Cannot show the current account: no accounts are registered", {
      hint: 'add one with "cao add <name>"',
    });
  }
  if (options.json) {
    const status = (await loadStatusFile(ctx.home)).accounts[summary.name];
    ctx.out.json(accountJson(summary, ctx.home.paths.accountDir(summary.name), status));
  } else {
    ctx.out.line(`${summary.name}  ${describeLogin(summary.login)}`);
  }
  return ExitCode.ok;
}

/** Registers `cao current`. */
export function registerCurrent(program: Command, run: Runner): void {
  program.command("current")
    .description("show the default account")
    .option("--json", "print JSON", false)
    .action((options) => run((ctx) => showCurrent(ctx, options)));
}
