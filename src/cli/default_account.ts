/**
 * @module
 * Making an account the default and saying what changed: the one body of `cao use <name>` and of
 * `cao switch` once it has a name, so that neither command file imports the other.
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { setDefaultAccount } from "../accounts/lifecycle.ts";
import { ExitCode } from "../shared/errors.ts";
import type { CommandContext } from "./context.ts";

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
