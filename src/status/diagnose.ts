/**
 * @module
 * The doctor's whole pass, shared by `cao doctor` and `cao report`: collect the status, gather the doctor's
 * facts (codex version, config files, modes, the gateway) and run the checks over the given thresholds.
 * The checks load only when a diagnosis is asked for. Never prints.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import type { SpawnFn } from "../codex/spawn.ts";
import { loadNotifyLog } from "../notify/notify_log.ts";
import { loadNotifySettings } from "../notify/notify_settings.ts";
import type { DoctorThresholds } from "./doctor_checks.ts";
import type { DoctorResult } from "./render_doctor.ts";

/** What a diagnosis needs from the caller. */
export interface DiagnoseIo {
  home: CaoHome;
  /** The codex command to probe. */
  codex: string;
  /** The user's own CODEX_HOME. */
  userCodexHome: string;
  deps: { spawn: SpawnFn; fetch: typeof fetch; userHome?: string };
}

/** Collects the status, gathers the doctor's facts and runs the checks (`limits` over the defaults). */
export async function diagnose(io: DiagnoseIo, limits: Partial<DoctorThresholds>): Promise<DoctorResult> {
  const [{ collectStatus }, { gatherDoctorFacts }, checks] = await Promise.all([
    import("./collect.ts"),
    import("./doctor_facts.ts"),
    import("./doctor_checks.ts"),
  ]);
  const thresholds: DoctorThresholds = { ...checks.DEFAULT_THRESHOLDS, ...limits };
  const snapshot = await collectStatus(io.home, { userCodexHome: io.userCodexHome });
  const facts = await gatherDoctorFacts(snapshot, {
    spawn: io.deps.spawn,
    fetch: io.deps.fetch,
    codex: io.codex,
    userCodexHome: io.userCodexHome,
    home: io.home,
    userHome: io.deps.userHome,
  });
  const [settings, log] = await Promise.all([loadNotifySettings(io.home), loadNotifyLog(io.home)]);
  facts.notify = { settings, log };
  const findings = checks.runDoctorChecks(facts, thresholds);
  return { facts, findings, exitCode: checks.doctorExitCode(findings) };
}
