/**
 * @module
 * `cao report [--format md|json] [--redact] [--refresh]` (also `cao status --report [md|json]`): a shareable
 * snapshot of every account plus the doctor's findings, on stdout. Exits 0 whatever the findings say (the
 * report carries them; `cao doctor` is the command that exits with the verdict).
 */

import { type Command, Option } from "../deps/commander.ts";
import { ExitCode, UsageError } from "../shared/errors.ts";
import { diagnose } from "../status/diagnose.ts";
import type { CommandContext, Runner } from "./context.ts";
import {
  DEFAULT_REFRESH_TIMEOUT_SECONDS,
  parseSeconds,
  parseThresholds,
  type ThresholdFlags,
} from "./flags.ts";

/** Options of `cao report`. */
export interface ReportOptions extends ThresholdFlags {
  format: string;
  redact: boolean;
  refresh?: boolean;
  timeout?: string;
}

/** Checks the `--format` value. Pure. */
export function reportFormat(value: string): "md" | "json" {
  const format = value.toLowerCase();
  if (format === "md" || format === "markdown") return "md";
  if (format === "json") return "json";
  throw new UsageError(`Cannot write a report as "${value}": the formats are md and json`);
}

/** Prints the report. */
export async function runReport(ctx: CommandContext, options: ReportOptions): Promise<number> {
  const format = reportFormat(options.format);
  if (options.refresh) {
    const { refreshUsage } = await import("../status/usage_refresh.ts");
    const timeout = parseSeconds(options.timeout, "--timeout", DEFAULT_REFRESH_TIMEOUT_SECONDS);
    for (const warning of await refreshUsage(ctx, timeout)) ctx.out.warn(warning);
  }
  const result = await diagnose(ctx, parseThresholds(options));
  const { renderReport } = await import("../status/report.ts");
  ctx.deps.stdout(renderReport(result.facts.snapshot, result, { format, redact: options.redact }));
  return ExitCode.ok;
}

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
