/**
 * @module
 * `cao cooldown [list] [--json]`, `cao cooldown clear <name>|--all [--json]`: see every account's cooldown
 * with why and by whom it was set, and clear cooldowns by hand (recorded as `cooldownCleared`, so
 * `cao status` says so). A running gateway picks a cleared cooldown up at its next reload (a few seconds).
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { findAccount, loadRegistry } from "../accounts/registry.ts";
import { activeCooldown, clearCooldown } from "../accounts/status_events.ts";
import { loadStatusFile, statusOf, updateStatusFile } from "../accounts/status_store.ts";
import type { Command } from "../deps/commander.ts";
import { AccountNotFoundError, ExitCode, UsageError } from "../shared/errors.ts";
import {
  COOLDOWN_JSON_SCHEMA_VERSION,
  cooldownEntries,
  cooldownJson,
  renderCooldowns,
} from "../status/cooldown_view.ts";
import type { CommandContext, Runner } from "./context.ts";

/** Who clears a cooldown through this command (`cooldownCleared.by`). */
export const CLEAR_BY = "cao cooldown clear";

/** `cao cooldown list`. */
export async function listCooldowns(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const [registry, file] = await Promise.all([loadRegistry(ctx.home), loadStatusFile(ctx.home)]);
  const now = ctx.deps.now();
  const entries = cooldownEntries(registry.accounts.map((a) => a.name), file.accounts, now);
  if (options.json) ctx.out.json(cooldownJson(entries, now));
  else for (const line of renderCooldowns(entries, now)) ctx.out.line(line);
  return ExitCode.ok;
}

/** `cao cooldown clear <name>` / `--all`. */
export async function clearCooldowns(
  ctx: CommandContext,
  rawName: string | undefined,
  options: { all?: boolean; json?: boolean },
): Promise<number> {
  if ((rawName === undefined) === !options.all) {
    throw new UsageError(
      rawName === undefined
        ? "Cannot clear a cooldown: name an account or pass --all"
        : `Cannot clear "${rawName}" with --all: pick one`,
      'e.g. "cao cooldown clear work" or "cao cooldown clear --all"',
    );
  }
  const registry = await loadRegistry(ctx.home);
  const names = options.all ? registry.accounts.map((a) => a.name) : [validateAccountName(rawName!)];
  for (const name of names) if (!findAccount(registry, name)) throw new AccountNotFoundError(name);
  const now = ctx.deps.now();
  const cleared = await updateStatusFile(ctx.home, (file) =>
    names.filter((name) => {
      const status = file.accounts[name];
      if (!status || activeCooldown(status, now) === null) return false;
      return clearCooldown(statusOf(file, name), { now, why: "by-hand", by: CLEAR_BY });
    }));
  const notCooling = names.filter((name) => !cleared.includes(name));
  if (options.json) {
    ctx.out.json({ schemaVersion: COOLDOWN_JSON_SCHEMA_VERSION, cleared, notCooling });
    return ExitCode.ok;
  }
  for (const name of cleared) ctx.out.line(`${name}: cooldown cleared; it is used again`);
  for (const name of notCooling) if (!options.all) ctx.out.line(`${name} is not cooling down`);
  if (options.all && cleared.length === 0) ctx.out.line("No account is cooling down.");
  return ExitCode.ok;
}

/** Registers `cao cooldown`. */
export function registerCooldown(program: Command, run: Runner): void {
  const cooldown = program.command("cooldown")
    .description("see cooldowns (why, set by whom) and clear them by hand");
  cooldown.command("list", { isDefault: true })
    .description("every account's cooldown: until when, why, set by which process from which answer")
    .option("--json", "print JSON (schemaVersion, accounts: [...])")
    .action((options) => run((ctx) => listCooldowns(ctx, options)));
  cooldown.command("clear")
    .description("clear the cooldown of one account, or of every account with --all")
    .argument("[name]", "account name")
    .option("--all", "clear every cooldown")
    .option("--json", "print JSON (schemaVersion, cleared, notCooling)")
    .action((name, options) => run((ctx) => clearCooldowns(ctx, name, options)));
}
