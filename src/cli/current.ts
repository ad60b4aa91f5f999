/**
 * @module
 * `cao current [--json]`: the default account (the one `cao run` starts on). With no account the text form
 * is an error (exit 1); the JSON form still prints its document, with `account: null`, and exits 1 too.
 */

import { loadStatusFile } from "../accounts/status_store.ts";
import { collectAccountSummaries } from "../codex/account_summary.ts";
import type { Command } from "../deps/commander.ts";
import { CaoError, ExitCode } from "../shared/errors.ts";
import { accountJson, ACCOUNTS_JSON_SCHEMA_VERSION } from "./account_json.ts";
import type { CommandContext, Runner } from "./context.ts";
import { describeLogin } from "./login_text.ts";

/** Prints the default account. */
export async function showCurrent(ctx: CommandContext, options: { json: boolean }): Promise<number> {
  const summary = (await collectAccountSummaries(ctx.home)).find((s) => s.isDefault);
  if (options.json) {
    const status = summary ? (await loadStatusFile(ctx.home)).accounts[summary.name] : undefined;
    ctx.out.json({
      schemaVersion: ACCOUNTS_JSON_SCHEMA_VERSION,
      home: ctx.home.paths.root,
      account: summary ? accountJson(summary, ctx.home.paths.accountDir(summary.name), status) : null,
    });
    return summary ? ExitCode.ok : ExitCode.failure;
  }
  if (!summary) {
    throw new CaoError("Cannot show the current account: no accounts are registered", {
      hint: 'add one with "cao add <name>"',
    });
  }
  ctx.out.line(`${summary.name}  ${describeLogin(summary.login)}`);
  return ExitCode.ok;
}

/** Registers `cao current`. */
export function registerCurrent(program: Command, run: Runner): void {
  program.command("current")
    .description("show the default account")
    .option(
      "--json",
      "print JSON ({ schemaVersion, home, account }; account is null when there is none)",
      false,
    )
    .action((options) => run((ctx) => showCurrent(ctx, options)));
}
