/**
 * @module
 * `cao doctor [--json]` (also `cao status --doctor`): checks every account and the setup, prints each
 * finding with a one-line fix, and exits 0 when healthy, 1 with warnings, 2 with errors. The checks load
 * only when this command runs.
 */

import type { Command } from "../deps/commander.ts";
import { UsageError } from "../shared/errors.ts";
import type { DoctorThresholds } from "../status/doctor_checks.ts";
import type { DoctorResult } from "../status/render_doctor.ts";
import type { CommandContext } from "./context.ts";
import type { Runner } from "./commands.ts";

/** Options of `cao doctor`. */
export interface DoctorOptions {
  json?: boolean;
  expiresWithinHours?: string;
  maxFailures?: string;
}

/** Reads `--expires-within-hours` and `--max-failures` over the defaults. Pure. */
export function parseThresholds(options: DoctorOptions, defaults: DoctorThresholds): DoctorThresholds {
  const number = (value: string | undefined, flag: string, fallback: number, integer: boolean) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < (integer ? 1 : 0) || (integer && !Number.isInteger(n))) {
      throw new UsageError(
        `Cannot use ${flag} "${value}": it is not a ${
          integer ? "whole number of at least 1" : "number of hours"
        }`,
      );
    }
    return n;
  };
  return {
    maxFailures: number(options.maxFailures, "--max-failures", defaults.maxFailures, true),
    expiresWithinHours: number(
      options.expiresWithinHours,
      "--expires-within-hours",
      defaults.expiresWithinHours,
      false,
    ),
  };
}

/** Collects the status, gathers the doctor's facts and runs the checks. */
export async function diagnose(ctx: CommandContext, options: DoctorOptions): Promise<DoctorResult> {
  const [{ collectStatus }, { gatherDoctorFacts }, checks] = await Promise.all([
    import("../status/collect.ts"),
    import("../status/doctor_facts.ts"),
    import("../status/doctor_checks.ts"),
  ]);
  const thresholds = parseThresholds(options, checks.DEFAULT_THRESHOLDS);
  const snapshot = await collectStatus(ctx.home, { userCodexHome: ctx.userCodexHome });
  const facts = await gatherDoctorFacts(snapshot, {
    spawn: ctx.deps.spawn,
    fetch: ctx.deps.fetch,
    codex: ctx.codex,
    userCodexHome: ctx.userCodexHome,
  });
  const findings = checks.runDoctorChecks(facts, thresholds);
  return { facts, findings, exitCode: checks.doctorExitCode(findings) };
}

/** Runs the doctor and prints its findings; the exit code is the verdict. */
export async function runDoctor(ctx: CommandContext, options: DoctorOptions): Promise<number> {
  const result = await diagnose(ctx, options);
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
