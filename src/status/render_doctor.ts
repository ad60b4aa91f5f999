/**
 * @module
 * The doctor's output: human text (each finding with its fix, then a one-line verdict) and the `--json`
 * document (schemaVersion 1: `generatedAt`/`generatedAtEpoch`, `exitCode`, `healthy`, counts, `codex`,
 * `gateway`, `findings[]` of `{ check, severity, account, message, fix }`). Pure.
 */

import type { CodexFact, DoctorFacts, Finding, Severity } from "./doctor_checks.ts";
import { PLAIN, type Styles } from "./styles.ts";

/** The schema version of the doctor JSON. */
export const DOCTOR_JSON_SCHEMA_VERSION = 1;

/** The doctor's verdict. */
export interface DoctorResult {
  facts: DoctorFacts;
  findings: Finding[];
  /** 0 healthy, 1 warnings, 2 errors. */
  exitCode: number;
}

/** The `--json` document. */
export interface DoctorJson {
  schemaVersion: number;
  generatedAt: string;
  generatedAtEpoch: number;
  /** 0 healthy, 1 warnings, 2 errors: also the process exit code. */
  exitCode: number;
  /** True when there is no warning and no error. */
  healthy: boolean;
  errors: number;
  warnings: number;
  infos: number;
  accounts: number;
  /** `version` is null unless `found` and it printed one. */
  codex: { command: string; found: boolean; version: string | null };
  /** `enabled`: the user's Codex config routes through a loopback gateway; `answering`: null when not enabled. */
  gateway: { enabled: boolean; url: string | null; answering: boolean | null };
  findings: Finding[];
}

function count(findings: Finding[], severity: Severity): number {
  return findings.filter((f) => f.severity === severity).length;
}

function codexJson(codex: CodexFact): DoctorJson["codex"] {
  return {
    command: codex.command,
    found: codex.kind !== "not-found",
    version: codex.kind === "ok" ? codex.version : null,
  };
}

/** The JSON document. Pure. */
export function doctorJson(result: DoctorResult): DoctorJson {
  const { facts, findings } = result;
  const now = facts.snapshot.now;
  return {
    schemaVersion: DOCTOR_JSON_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    generatedAtEpoch: Math.floor(now.getTime() / 1000),
    exitCode: result.exitCode,
    healthy: result.exitCode === 0,
    errors: count(findings, "error"),
    warnings: count(findings, "warning"),
    infos: count(findings, "info"),
    accounts: facts.snapshot.accounts.length,
    codex: codexJson(facts.codex),
    gateway: {
      enabled: facts.snapshot.gateway.enabled,
      url: facts.snapshot.gateway.url,
      answering: facts.gateway === null ? null : facts.gateway.kind !== "down",
    },
    findings,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `2 errors, 1 warning`, or `healthy`. Pure. */
export function verdictText(findings: Finding[]): string {
  const errors = count(findings, "error");
  const warnings = count(findings, "warning");
  if (errors + warnings === 0) return "healthy";
  return [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""]
    .filter(Boolean).join(", ");
}

const MARKS: Record<Severity, (s: Styles) => string> = {
  error: (s) => s.red("✗ error  "),
  warning: (s) => s.yellow("! warning"),
  info: (s) => s.cyan("i info   "),
};

/** The human report, one string per line. Pure. */
export function renderDoctor(result: DoctorResult, styles: Styles = PLAIN): string[] {
  const { facts, findings } = result;
  const codex = facts.codex.kind === "ok"
    ? `codex ${facts.codex.version}`
    : facts.codex.kind === "not-found"
    ? "codex not found"
    : "codex version unknown";
  const gateway = facts.gateway === null
    ? "gateway: not configured"
    : `gateway: ${facts.gateway.kind === "down" ? "not answering" : "answering"}`;
  const lines = [
    `${styles.bold("cao doctor")} · ${
      plural(facts.snapshot.accounts.length, "account")
    } · ${codex} · ${gateway}`,
    "",
  ];
  for (const finding of findings) {
    const where = finding.account === null ? "" : `${styles.bold(finding.account)}: `;
    lines.push(`${MARKS[finding.severity](styles)}  ${where}${finding.message}`);
    lines.push(`           ${styles.dim(`fix: ${finding.fix}`)}`);
  }
  if (findings.length > 0) lines.push("");
  const verdict = verdictText(findings);
  const colour = result.exitCode === 2 ? styles.red : result.exitCode === 1 ? styles.yellow : styles.green;
  lines.push(
    result.exitCode === 0
      ? colour(`✓ healthy${findings.length > 0 ? ` (${plural(findings.length, "note")})` : ""}`)
      : colour(`${verdict} (exit ${result.exitCode})`),
  );
  return lines;
}
