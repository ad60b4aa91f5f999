/**
 * @module
 * `cao reserve <name> [percent|off]`: the per-account reserve (`reservePercent` in registry.json). New work
 * (gateway conversations, `cao run`) avoids an account once its 5-hour or weekly window is at or above its
 * reserve, as long as another account is below; without a value, shows the current one.
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { findAccount, loadRegistry, updateRegistry } from "../accounts/registry.ts";
import type { Command } from "../deps/commander.ts";
import { AccountNotFoundError, ExitCode } from "../shared/errors.ts";
import { parseNumberFlag } from "./flags.ts";
import type { CommandContext, Runner } from "./context.ts";

/** Parses `80`, `80%` or `off`. Pure. */
export function parseReserve(raw: string): number | null {
  if (raw.trim() === "off" || raw.trim() === "none") return null;
  return parseNumberFlag("reserve", raw, {
    above: 0,
    max: 100,
    what: "a percent",
    suffix: "%",
    orWords: ["off"],
  });
}

/** `schemaVersion` of `cao reserve --json`. */
export const RESERVE_JSON_SCHEMA_VERSION = 1;

/** `cao reserve --json`: the account, its reserve (null: none) and whether this call changed it. */
export interface ReserveJson {
  schemaVersion: number;
  account: string;
  reservePercent: number | null;
  changed: boolean;
}

/** Shows or sets an account's reserve. */
export async function reserveAccount(
  ctx: CommandContext,
  rawName: string,
  raw: string | undefined,
  options: { json?: boolean } = {},
): Promise<number> {
  const name = validateAccountName(rawName);
  const json = (reservePercent: number | null, changed: boolean): ReserveJson => ({
    schemaVersion: RESERVE_JSON_SCHEMA_VERSION,
    account: name,
    reservePercent,
    changed,
  });
  if (raw === undefined) {
    const account = findAccount(await loadRegistry(ctx.home), name);
    if (!account) throw new AccountNotFoundError(name);
    const reserve = typeof account.reservePercent === "number" ? account.reservePercent : null;
    if (options.json) {
      ctx.out.json(json(reserve, false));
      return ExitCode.ok;
    }
    ctx.out.line(
      reserve === null
        ? `${name} has no reserve`
        : `${name}: new work avoids it at ${reserve}% used and above`,
    );
    return ExitCode.ok;
  }
  const reserve = parseReserve(raw);
  let changed = false;
  await updateRegistry(ctx.home, (registry) => {
    const account = findAccount(registry, name);
    if (!account) throw new AccountNotFoundError(name);
    changed = (typeof account.reservePercent === "number" ? account.reservePercent : null) !== reserve;
    account.reservePercent = reserve;
  });
  if (options.json) {
    ctx.out.json(json(reserve, changed));
    return ExitCode.ok;
  }
  ctx.out.line(
    reserve === null
      ? `${name}: reserve off (used until its limit)`
      : `${name}: new work avoids it at ${reserve}% used and above, while another account is below`,
  );
  return ExitCode.ok;
}

/** Registers `cao reserve`. */
export function registerReserve(program: Command, run: Runner): void {
  program.command("reserve")
    .description("show or set an account's reserve: new work avoids it above this usage percent")
    .argument("<name>", "account name")
    .argument("[percent]", 'percent of the 5-hour or weekly window (1-100), or "off"')
    .option("--json", "print JSON ({ schemaVersion, account, reservePercent, changed })")
    .action((name, percent, options) => run((ctx) => reserveAccount(ctx, name, percent, options)));
}
