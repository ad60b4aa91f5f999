/**
 * @module
 * `cao report [--format md|json] [--redact] [--refresh]` (also `cao status --report [md|json]`): a shareable
 * snapshot of every account plus the doctor's findings, on stdout. Exits 0 whatever the findings say (the
 * report carries them; `cao doctor` is the command that exits with the verdict). Its body is
 * `doctor_report.ts` `runReport`.
 */

import { type Command, Option } from "../deps/commander.ts";
import type { Runner } from "./context.ts";
import { runReport } from "./doctor_report.ts";
import { DEFAULT_REFRESH_TIMEOUT_SECONDS } from "./flags.ts";

/** Registers `cao report`. */
export function registerReport(program: Command, run: Runner): void {
  program.command("report")
    .description("a shareable report of every account and the doctor's findings (Markdown or JSON)")
    .addOption(new Option("--format <format>", "md or json").choices(["md", "json"]).default("md"))
    .option("--redact", "replace emails, account ids and user ids", false)
    .option("--refresh", "ask each account's usage endpoint first (network)")
    .option(
      "--timeout <seconds>",
      `per-request timeout of --refresh (default ${DEFAULT_REFRESH_TIMEOUT_SECONDS})`,
    )
    .option("--expires-within-hours <hours>", "doctor threshold (default 24)")
    .option("--max-failures <n>", "doctor threshold (default 3)")
    .action((options) => run((ctx) => runReport(ctx, options)));
}
