/**
 * @module
 * `cao doctor [--json]` (also `cao status --doctor`): checks every account and the setup, prints each
 * finding with a one-line fix, and exits 0 when healthy, 1 with warnings, 2 with errors. Its body is
 * `doctor_report.ts` `runDoctor`; the checks load only when this command runs.
 */

import type { Command } from "../deps/commander.ts";
import type { Runner } from "./context.ts";
import { runDoctor } from "./doctor_report.ts";

/** Registers `cao doctor`. */
export function registerDoctor(program: Command, run: Runner): void {
  program.command("doctor")
    .description("check every account and the setup; exit 0 healthy, 1 warnings, 2 errors")
    .option("--json", "print JSON (schemaVersion, exitCode, findings: [...])")
    .option("--expires-within-hours <hours>", "mention access tokens expiring this soon (default 24)")
    .option("--max-failures <n>", "warn at this many failures in a row (default 3)")
    .action((options) => run((ctx) => runDoctor(ctx, options)));
}
