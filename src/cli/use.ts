/**
 * @module
 * `cao use <name>`: make an account the default.
 */

import type { Command } from "../deps/commander.ts";
import type { Runner } from "./context.ts";
import { useAccount } from "./default_account.ts";

/** Registers `cao use`. */
export function registerUse(program: Command, run: Runner): void {
  program.command("use")
    .description("make an account the default")
    .argument("<name>", "account name")
    .action((name) => run((ctx) => useAccount(ctx, name)));
}
