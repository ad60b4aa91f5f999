/**
 * @module
 * `cao use <name>`: make an account the default.
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { setDefaultAccount } from "../accounts/lifecycle.ts";
import type { Command } from "../deps/commander.ts";
import { ExitCode } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";

/** Makes `name` the default and says what changed. */
export async function useAccount(ctx: CommandContext, rawName: string): Promise<number> {
  const name = validateAccountName(rawName);
  const previous = await setDefaultAccount(ctx.home, name);
  ctx.out.line(
    previous === name
      ? `${ctx.out.color.bold(name)} is already the default account`
      : `Default account: ${ctx.out.color.bold(name)}${previous ? ` (was ${previous})` : ""}`,
  );
  return ExitCode.ok;
}

/** Registers `cao use`. */
export function registerUse(program: Command, run: Runner): void {
  program.command("use")
    .description("make an account the default")
    .argument("<name>", "account name")
    .action((name) => run((ctx) => useAccount(ctx, name)));
}
