/**
 * @module
 * The doctor and the report as the CLI prints them, and `--refresh` with its warnings: the bodies shared by
 * `cao doctor`, `cao report` and their dialects `cao status --doctor|--report|--refresh`, so that no
 * command file imports another. The diagnosis itself is `status/diagnose.ts`; the checks, renderers and the
 * refresher load only when asked for.
 */

import { withProgress } from "./progress.ts";
import { ExitCode, UsageError } from "../shared/errors.ts";
import { diagnose } from "../status/diagnose.ts";
import type { CommandContext } from "./context.ts";
import {
  checkTimeoutNeedsRefresh,
  DEFAULT_REFRESH_TIMEOUT_SECONDS,
  parseSeconds,
  parseThresholds,
  type ThresholdFlags,
} from "./flags.ts";

/** Options of `cao doctor`. */
export interface DoctorOptions extends ThresholdFlags {
  json?: boolean;
}

/** Options of `cao report`. */
export interface ReportOptions extends ThresholdFlags {
  format: string;
  redact: boolean;
  refresh?: boolean;
  timeout?: string;
}

/** Asks every account's usage endpoint and records the answers; problems become warnings on stderr. */
export async function refreshUsageAndWarn(ctx: CommandContext, timeoutSeconds: number): Promise<void> {
  const { refreshUsage } = await import("../status/usage_refresh.ts");
  const { processNotifier } = await import("./notify_wiring.ts");
  const notify = processNotifier(ctx, "cao status --refresh");
  const warnings = await withProgress(
    ctx.deps,
    "asking every account's usage endpoint",
    () => refreshUsage({ ...ctx, notify }, timeoutSeconds),
  );
  for (const warning of warnings) ctx.out.warn(warning);
  await notify.flush();
}

/**
 * Runs the doctor and prints its findings; the exit code is the verdict. It first moves aside the damaged data
 * files the read-only views only reported (`doctor_repair.ts`), each repair a finding.
 */
export async function runDoctor(ctx: CommandContext, options: DoctorOptions): Promise<number> {
  const thresholds = parseThresholds(options);
  const { repairDamagedFiles } = await import("./doctor_repair.ts");
  const repaired = await repairDamagedFiles(ctx.home);
  const diagnosed = await diagnose(ctx, thresholds);
  const verdict = repaired.some((f) => f.severity === "error") ? 2 : repaired.length > 0 ? 1 : 0;
  const result = {
    ...diagnosed,
    findings: [...repaired, ...diagnosed.findings],
    exitCode: Math.max(diagnosed.exitCode, verdict),
  };
  const { doctorJson, renderDoctor } = await import("../status/render_doctor.ts");
  if (options.json) ctx.out.json(doctorJson(result));
  else for (const line of renderDoctor(result, ctx.out.color)) ctx.out.line(line);
  return result.exitCode;
}

/** The `--format` value, narrowed (the parser lets only its choices, md and json, through). Pure. */
function reportFormat(value: string): "md" | "json" {
  if (value === "md" || value === "json") return value;
  throw new UsageError(`Cannot write a report as "${value}": the formats are md and json`);
}

/** Prints the report. */
export async function runReport(ctx: CommandContext, options: ReportOptions): Promise<number> {
  const format = reportFormat(options.format);
  const timeout = parseSeconds(options.timeout, "--timeout", DEFAULT_REFRESH_TIMEOUT_SECONDS);
  checkTimeoutNeedsRefresh(options);
  if (options.refresh) {
    await refreshUsageAndWarn(ctx, timeout);
  }
  const result = await diagnose(ctx, parseThresholds(options));
  const { renderReport } = await import("../status/report.ts");
  ctx.deps.stdout(renderReport(result.facts.snapshot, result, { format, redact: options.redact }));
  return ExitCode.ok;
}
