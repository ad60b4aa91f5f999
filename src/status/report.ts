/**
 * @module
 * `cao report` / `cao status --report`: a shareable snapshot — when it was generated, totals, one table row
 * per account (account, default, login, plan, 5h %, weekly %, resets, cooldown, last quota hit, failures)
 * and the doctor's findings — as Markdown or JSON (schemaVersion 1). `redact` replaces every email, ChatGPT
 * account id and user id with a stable placeholder. Never a token: the output also passes through
 * `redactSecrets`. Pure.
 */

import { redactSecrets } from "../shared/redact.ts";
import { accountState, STATE_LABELS, usageWindows } from "./account_state.ts";
import { agoText, cooldownText, failuresText, minuteText, percentText } from "./cells.ts";
import type { StatusSnapshot } from "./collect.ts";
import { type DoctorJson, doctorJson, type DoctorResult, verdictText } from "./render_doctor.ts";
import { type StatusAccountJson, statusAccountJson } from "./status_json.ts";

/** The schema version of the JSON report. */
export const REPORT_JSON_SCHEMA_VERSION = 1;

/** Counts over all accounts. */
export interface ReportTotals {
  accounts: number;
  ready: number;
  cooling: number;
  /** needs-relogin + not-logged-in + unreadable. */
  needsLogin: number;
  /** Sum of consecutive failures. */
  failuresInARow: number;
  errors: number;
  warnings: number;
}

/** The JSON report. */
export interface ReportJson {
  schemaVersion: number;
  generatedAt: string;
  generatedAtEpoch: number;
  /** Whether emails and account/user ids were replaced. */
  redacted: boolean;
  totals: ReportTotals;
  /** As in `cao status --json`. */
  accounts: StatusAccountJson[];
  /** As in `cao doctor --json`. */
  doctor: DoctorJson;
}

/** Totals of a snapshot and its findings. Pure. */
export function reportTotals(snapshot: StatusSnapshot, doctor: DoctorResult): ReportTotals {
  const states = snapshot.accounts.map((v) => accountState(v, snapshot.now).kind);
  return {
    accounts: snapshot.accounts.length,
    ready: states.filter((s) => s === "ready").length,
    cooling: states.filter((s) => s === "cooling").length,
    needsLogin: states.filter((s) => s !== "ready" && s !== "cooling").length,
    failuresInARow: snapshot.accounts.reduce((n, v) => n + v.status.consecutiveFailures, 0),
    errors: doctor.findings.filter((f) => f.severity === "error").length,
    warnings: doctor.findings.filter((f) => f.severity === "warning").length,
  };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IS_EMAIL = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;

/** Replaces the snapshot's emails, account ids and user ids (and any other email) in `text`. Pure. */
export function redactIdentities(text: string, snapshot: StatusSnapshot): string {
  const replacements = new Map<string, string>();
  const label = (value: string | null, kind: "email" | "account" | "user") => {
    if (value === null || replacements.has(value)) return;
    const n = [...replacements.values()].filter((v) => v.startsWith(`${kind}-`)).length + 1;
    replacements.set(value, kind === "email" ? `email-${n}@redacted.invalid` : `${kind}-${n}-redacted`);
  };
  for (const view of snapshot.accounts) {
    label(view.login.email, "email");
    if (IS_EMAIL.test(view.name)) label(view.name, "email");
  }
  for (const view of snapshot.accounts) label(view.login.accountId, "account");
  for (const view of snapshot.accounts) label(view.login.userId, "user");
  let out = text;
  for (const [value, placeholder] of [...replacements].sort((a, b) => b[0].length - a[0].length)) {
    out = out.split(value).join(placeholder);
  }
  return out.replace(
    EMAIL,
    (match) => match.endsWith("@redacted.invalid") ? match : "email@redacted.invalid",
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function markdownReport(snapshot: StatusSnapshot, doctor: DoctorResult): string {
  const now = snapshot.now;
  const t = reportTotals(snapshot, doctor);
  const lines = [
    "# cao status report",
    "",
    `Generated ${now.toISOString()} (epoch ${Math.floor(now.getTime() / 1000)}).`,
    "",
    `**Totals:** ${t.accounts} accounts · ${t.ready} ready · ${t.cooling} cooling down · ${t.needsLogin} need a login · ` +
    `${t.failuresInARow} failures in a row · doctor: ${verdictText(doctor.findings)}`,
    "",
    "| account | default | login | plan | 5h % | weekly % | resets | cooldown | last quota hit | failures |",
    "| --- | --- | --- | --- | ---: | ---: | --- | --- | --- | --- |",
  ];
  for (const view of snapshot.accounts) {
    const state = accountState(view, now);
    const w = usageWindows(view, now);
    const resets = [
      w.fiveHour?.resetsAt ? `5h ${minuteText(w.fiveHour.resetsAt)}` : "",
      w.weekly?.resetsAt ? `weekly ${minuteText(w.weekly.resetsAt)}` : "",
    ].filter(Boolean).join(", ") || "-";
    const login = state.kind === "ready" || state.kind === "cooling"
      ? view.login.email ?? view.login.accountId ?? "logged in"
      : `${STATE_LABELS[state.kind]}${view.login.email ? ` (${view.login.email})` : ""}`;
    const cooldown = state.kind === "cooling"
      ? `until ${minuteText(state.until)} (${cooldownText(view.status, now)})`
      : "-";
    const quota = view.status.lastQuotaHitAt === null
      ? "never"
      : `${minuteText(new Date(view.status.lastQuotaHitAt))} (${agoText(view.status.lastQuotaHitAt, now)})`;
    lines.push(
      "| " + [
        view.name,
        view.isDefault ? "yes" : "",
        login,
        view.login.plan ?? "-",
        percentText(w.fiveHour),
        percentText(w.weekly),
        resets,
        cooldown,
        quota,
        failuresText(view.status),
      ].map(cell).join(" | ") + " |",
    );
  }
  if (snapshot.accounts.length === 0) lines.push("| (no accounts) | | | | | | | | | |");
  lines.push("", "## Doctor findings", "");
  if (doctor.findings.length === 0) lines.push("No problems found.");
  else {
    lines.push("| severity | account | finding | fix |", "| --- | --- | --- | --- |");
    for (const f of doctor.findings) {
      lines.push(
        `| ${f.severity} | ${cell(f.account ?? "(global)")} | ${cell(f.message)} | ${cell(f.fix)} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** Renders the report as `md` or `json` text (ending in a newline). Pure. */
export function renderReport(
  snapshot: StatusSnapshot,
  doctor: DoctorResult,
  options: { format: "md" | "json"; redact: boolean },
): string {
  let text: string;
  if (options.format === "json") {
    const report: ReportJson = {
      schemaVersion: REPORT_JSON_SCHEMA_VERSION,
      generatedAt: snapshot.now.toISOString(),
      generatedAtEpoch: Math.floor(snapshot.now.getTime() / 1000),
      redacted: options.redact,
      totals: reportTotals(snapshot, doctor),
      accounts: snapshot.accounts.map((v) => statusAccountJson(v, snapshot.now)),
      doctor: doctorJson(doctor),
    };
    text = JSON.stringify(report, null, 2) + "\n";
  } else {
    text = markdownReport(snapshot, doctor);
  }
  return redactSecrets(options.redact ? redactIdentities(text, snapshot) : text);
}
