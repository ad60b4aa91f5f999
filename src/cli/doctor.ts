/**
 * @module
 * `cao doctor [--json]` (also `cao status --doctor`): checks every account and the setup, prints each
 * finding with a one-line fix, and exits 0 when healthy, 1 with warnings, 2 with errors. The diagnosis is
 * `status/diagnose.ts`; its checks load only when this command runs.
 */

import type { Command } from "../deps/commander.ts";
import { diagnose } from "../status/diagnose.ts";
import type { CommandContext, Runner } from "./context.ts";
import { parseThresholds, type ThresholdFlags } from "./flags.ts";

/** Options of `cao doctor`. */
export interface DoctorOptions extends ThresholdFlags {
  json?: boolean;
}

/** Runs the doctor and prints its findings; the exit code is the verdict. */
export async function runDoctor(ctx: CommandContext, options: DoctorOptions): Promise<number> {
  const result = await diagnose(ctx, parseThresholds(options));
  const { doctorJson, renderDoctor } = await import("../status/render_doctor.ts");
  if (options.json) ctx.out.json(doctorJson(result));
  else for (const line of renderDoctor(result, ctx.out.color)) ctx.out.line(line);
  return result.exitCode;
}

/** Registers `cao doctor`. */
export function registerDoctor(program: Command, run: Runner): void {
  program.command("doctor")
    .description("check every account and the setup; exit 0 healthy, 1 warnings, 2 errors")
    .option("--json", "print JSON (schemaVersion, exitCode, findings: [...])")
    .option("--expires-within-hours <hours>", "mention access tokens expiring this soon (default 24)")
    .option("--max-failures <n>", "warn at this many failures in a row (default 3)")
    .action((options) => run((ctx) => runDoctor(ctx, options)));
}
