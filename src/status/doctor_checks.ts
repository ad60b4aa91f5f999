/**
 * @module
 * The doctor's verdicts: per account and global checks over facts gathered elsewhere (`doctor_facts.ts`),
 * each finding with a severity and a one-line fix. Exit code: 0 healthy, 1 warnings, 2 errors (infos never
 * count). Pure: a function of the facts, the thresholds and the snapshot's `now`.
 */

import { formatDuration, formatRelative } from "../shared/format.ts";
import { redactSecrets } from "../shared/redact.ts";
import { compareVersions, SUPPORTED_CODEX_VERSION } from "../codex/codex_command.ts";
import { accountState } from "./account_state.ts";
import type { AccountView, StatusSnapshot } from "./collect.ts";
import type { GatewayProbe } from "./gateway_facts.ts";
import { type NotifyDoctorFacts, notifyFindings } from "./notify_checks.ts";
import { type HomeFacts, homeFindings } from "./doctor_home.ts";

/** How serious a finding is. Only warnings and errors change the exit code. */
export type Severity = "error" | "warning" | "info";

/** One thing the doctor found. */
export interface Finding {
  /** Stable id of the check, e.g. `not-logged-in`. */
  check: string;
  severity: Severity;
  /** The account concerned, null for global checks. */
  account: string | null;
  /** What is wrong, one line, no token. */
  message: string;
  /** What to do, one line. */
  fix: string;
}

/** An account config.toml as the doctor found it. */
export type ConfigFact =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string }
  | { kind: "ok"; missingKeys: string[]; outOfSync: boolean };

/** The codex executable as the doctor found it. */
export type CodexFact =
  | { kind: "ok"; command: string; version: string }
  | { kind: "not-found"; command: string }
  | { kind: "no-version"; command: string };

/** A file or directory whose mode grants group or others access. */
export interface LoosePath {
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  isDirectory: boolean;
  /** The account it belongs to, null for the cao home's own files. */
  account: string | null;
}

/** Everything the checks look at. */
export interface DoctorFacts {
  snapshot: StatusSnapshot;
  loosePaths: LoosePath[];
  /** Per account name. */
  configs: Record<string, ConfigFact>;
  /** The user's own config.toml: only its readability matters here. */
  userConfig: { kind: "missing" | "ok" } | { kind: "unreadable"; path: string; reason: string };
  codex: CodexFact;
  /** The gateway probe, null when the Codex config does not route through a gateway. */
  gateway: GatewayProbe | null;
  /** Notification settings and channel health (absent: not gathered). */
  notify?: NotifyDoctorFacts;
  /** The home itself and what CAO 1.4.2 left (`doctor_home.ts`). */
  home?: HomeFacts;
}

/** Tunable thresholds (`--max-failures`, `--expires-within-hours`). */
export interface DoctorThresholds {
  /** Warn at this many failures in a row (default 3). */
  maxFailures: number;
  /** Mention access tokens expiring within this many hours (default 24). */
  expiresWithinHours: number;
}

/** The defaults of the thresholds. */
export const DEFAULT_THRESHOLDS: DoctorThresholds = { maxFailures: 3, expiresWithinHours: 24 };

function accountFindings(view: AccountView, facts: DoctorFacts, limits: DoctorThresholds): Finding[] {
  const now = facts.snapshot.now;
  const name = view.name;
  const out: Finding[] = [];
  const add = (check: string, severity: Severity, message: string, fix: string) =>
    out.push({ check, severity, account: name, message: redactSecrets(message), fix });
  const relogin = `run "cao add ${name}" to log in again`;
  const state = accountState(view, now);
  const login = view.login;

  if (state.kind === "unreadable") {
    add(
      "auth-unreadable",
      "error",
      `auth.json cannot be read: ${state.reason}`,
      `${relogin} (the old file is moved aside)`,
    );
  } else if (state.kind === "not-logged-in") {
    add(
      "not-logged-in",
      "error",
      `not logged in with ChatGPT: ${state.reason}`,
      `run "cao add ${name}" to log in`,
    );
  } else if (state.kind === "needs-relogin") {
    add("needs-relogin", "error", `the login cannot renew itself: ${state.reason}`, relogin);
  }

  if (login.state === "logged-in") {
    const unknown = [
      login.email === null ? "email" : "",
      login.plan === null ? "plan" : "",
      login.accountId === null ? "account id" : "",
      login.accessExpiresAt === null ? "token expiry" : "",
    ].filter(Boolean);
    if (unknown.length > 0) {
      add(
        "details-unknown",
        "warning",
        `the login does not say its ${unknown.join(", ")}`,
        `${relogin} if this persists (Codex may have changed its token format)`,
      );
    }
    if (login.accessExpiresAt !== null && state.kind !== "needs-relogin") {
      const expiry = new Date(login.accessExpiresAt * 1000);
      if (expiry <= now) {
        add(
          "token-expired",
          "info",
          `the access token expired ${formatRelative(expiry, now)}; it renews on next use`,
          'nothing to do ("cao status --refresh" renews it now)',
        );
      } else if (expiry.getTime() - now.getTime() <= limits.expiresWithinHours * 3_600_000) {
        add(
          "token-expiring",
          "info",
          `the access token expires ${formatRelative(expiry, now)}; it renews itself`,
          "nothing to do",
        );
      }
    }
  }

  if (state.kind === "cooling") {
    add(
      "cooldown",
      "warning",
      `cooling down after a usage limit until ${state.until.toISOString()} (${
        formatDuration(state.until.getTime() - now.getTime())
      } left)`,
      "wait for the reset; cao run and the gateway use the other accounts meanwhile",
    );
  }
  if (view.status.consecutiveFailures >= limits.maxFailures) {
    const last = view.status.lastError ? `; last error: ${view.status.lastError}` : "";
    add(
      "repeated-failures",
      "warning",
      `${view.status.consecutiveFailures} failures in a row${last}`,
      `look at "cao status --full"; the count resets after the next success`,
    );
  }
  const earlier = view.duplicateOf.filter((other) =>
    facts.snapshot.accounts.some((a) => a.name === other && a.position < view.position)
  );
  if (earlier.length > 0) {
    add(
      "duplicate-login",
      "warning",
      `the same ChatGPT login as ${earlier.map((n) => `"${n}"`).join(", ")}: both share one usage limit`,
      `remove one with "cao remove ${name}", or log it in to another account with "cao add ${name}"`,
    );
  }

  const config = facts.configs[name];
  const sync =
    `it is rewritten on the next "cao run" with this account, or now by "cao add ${name} --no-login"`;
  if (config?.kind === "missing") add("config-missing", "warning", "config.toml is missing", sync);
  if (config?.kind === "unreadable") {
    add("config-unreadable", "warning", `config.toml is not valid TOML: ${config.reason}`, sync);
  }
  if (config?.kind === "ok" && config.missingKeys.length > 0) {
    add(
      "config-missing-keys",
      "warning",
      `config.toml lacks cao's required ${config.missingKeys.join(", ")}`,
      sync,
    );
  }
  if (config?.kind === "ok" && config.missingKeys.length === 0 && config.outOfSync) {
    add("config-out-of-sync", "warning", "config.toml is out of sync with your ~/.codex/config.toml", sync);
  }
  return out;
}

function globalFindings(facts: DoctorFacts): Finding[] {
  const out: Finding[] = [];
  const add = (check: string, severity: Severity, message: string, fix: string) =>
    out.push({ check, severity, account: null, message: redactSecrets(message), fix });
  if (facts.snapshot.accounts.length === 0) {
    add(
      "no-accounts",
      "warning",
      "no accounts are registered",
      'add one with "cao add <name>" or "cao import codex"',
    );
  }
  const codex = facts.codex;
  const install =
    'install it with "npm install -g @openai/codex" (or point cao at it with --codex / CAO_CODEX_BIN)';
  if (codex.kind === "not-found") {
    add("codex-missing", "error", `codex "${codex.command}" was not found`, install);
  }
  if (codex.kind === "no-version") {
    add("codex-version-unknown", "warning", `"${codex.command} --version" did not print a version`, install);
  }
  if (codex.kind === "ok" && compareVersions(codex.version, SUPPORTED_CODEX_VERSION) < 0) {
    add(
      "codex-too-old",
      "error",
      `codex ${codex.version} is older than the supported ${SUPPORTED_CODEX_VERSION}`,
      'update it with "npm install -g @openai/codex@latest"',
    );
  }
  const gateway = facts.gateway;
  if (gateway?.kind === "down") {
    add(
      "gateway-down",
      "error",
      `~/.codex/config.toml routes Codex through the gateway, but ${gateway.url} does not answer (${gateway.reason})`,
      'start it with "cao gateway start", or remove the gateway base URL from ~/.codex/config.toml',
    );
  }
  if (gateway?.kind === "unexpected") {
    add(
      "gateway-unexpected",
      "warning",
      `${gateway.url} answered ${gateway.status}: something other than cao's gateway may be listening`,
      'check the port in ~/.codex/config.toml and "cao gateway start"',
    );
  }
  if (facts.userConfig.kind === "unreadable") {
    add(
      "user-config-unreadable",
      "warning",
      `"${facts.userConfig.path}" is not valid TOML (${facts.userConfig.reason}); it is not carried into the accounts`,
      "fix the TOML syntax of that file",
    );
  }
  return out;
}

function permissionFindings(facts: DoctorFacts): Finding[] {
  return facts.loosePaths.map((p) => {
    const want = p.isDirectory ? "0700" : "0600";
    return {
      check: "loose-permissions",
      severity: "warning" as const,
      account: p.account,
      message: `"${p.path}" has mode ${p.mode.toString(8).padStart(4, "0")}: others may read it`,
      fix: `chmod ${want.slice(1)} "${p.path}"`,
    };
  });
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Runs every check; findings sorted by severity, then global before per-account, in account order. Pure. */
export function runDoctorChecks(
  facts: DoctorFacts,
  limits: DoctorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const position = new Map(facts.snapshot.accounts.map((a) => [a.name, a.position]));
  const findings = [
    ...globalFindings(facts),
    ...facts.snapshot.accounts.flatMap((view) => accountFindings(view, facts, limits)),
    ...permissionFindings(facts),
    ...notifyFindings(facts.notify, facts.snapshot.now),
    ...(facts.home ? homeFindings(facts.home) : []),
  ];
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) =>
      ORDER[a.finding.severity] - ORDER[b.finding.severity] ||
      (a.finding.account === null ? 0 : position.get(a.finding.account) ?? 0) -
        (b.finding.account === null ? 0 : position.get(b.finding.account) ?? 0) ||
      a.index - b.index
    )
    .map(({ finding }) => finding);
}

/** 2 when any error, 1 when any warning, else 0. Pure. */
export function doctorExitCode(findings: Finding[]): number {
  if (findings.some((f) => f.severity === "error")) return 2;
  if (findings.some((f) => f.severity === "warning")) return 1;
  return 0;
}
