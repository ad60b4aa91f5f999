/**
 * @module
 * The documented JSON schemas of `cao status --json`, `cao doctor --json` and `cao report --format json`
 * (README "Status, doctor and reports"), as closed JSON Schemas: every field required, no others allowed.
 * Test-only.
 */

import { closedObject, type JsonSchema } from "../support/json_schema.ts";

const str: JsonSchema = { type: "string" };
const strOrNull: JsonSchema = { type: ["string", "null"] };
const int: JsonSchema = { type: "integer" };
const intOrNull: JsonSchema = { type: ["integer", "null"] };
const count: JsonSchema = { type: "integer", minimum: 0 };
const bool: JsonSchema = { type: "boolean" };
const strings: JsonSchema = { type: "array", items: str };

/** One usage window. */
export const WINDOW_SCHEMA: JsonSchema = {
  ...closedObject({
    usedPercent: { type: "number", minimum: 0 },
    windowMinutes: intOrNull,
    resetsAt: strOrNull,
    resetsAtEpoch: intOrNull,
    resetsInSeconds: intOrNull,
    stale: bool,
  }),
  type: ["object", "null"],
};

/** One window's recent history: its samples and its pace. */
export const WINDOW_HISTORY_SCHEMA: JsonSchema = closedObject({
  samples: {
    type: "array",
    items: closedObject({
      at: str,
      atEpoch: int,
      usedPercent: { type: "number", minimum: 0 },
      windowMinutes: intOrNull,
      resetsAt: strOrNull,
      resetsAtEpoch: intOrNull,
      source: str,
    }),
  },
  pace: closedObject({
    kind: { type: "string", enum: ["runs-out", "lasts", "exhausted", "unknown"] },
    percentPerHour: { type: ["number", "null"] },
    runsOutAt: strOrNull,
    runsOutAtEpoch: intOrNull,
  }),
});

/** One account in `cao status --json` and in the JSON report. */
export const STATUS_ACCOUNT_SCHEMA: JsonSchema = closedObject({
  name: str,
  position: { type: "integer", minimum: 1 },
  default: bool,
  inUseByGateway: bool,
  state: { type: "string", enum: ["ready", "cooling", "needs-relogin", "not-logged-in", "unreadable"] },
  stateReason: strOrNull,
  loggedIn: bool,
  loginState: { type: "string", enum: ["logged-in", "api-key", "not-logged-in", "unreadable"] },
  loginProblem: strOrNull,
  email: strOrNull,
  plan: strOrNull,
  accountId: strOrNull,
  userId: strOrNull,
  accessTokenExpiresAt: strOrNull,
  accessTokenExpiresAtEpoch: intOrNull,
  accessTokenExpired: { type: ["boolean", "null"] },
  hasRefreshToken: bool,
  lastRefresh: strOrNull,
  lastRefreshEpoch: intOrNull,
  needsRelogin: bool,
  needsReloginReason: strOrNull,
  cooldownUntil: strOrNull,
  cooldownUntilEpoch: intOrNull,
  cooldownRemainingSeconds: intOrNull,
  cooldownReason: strOrNull,
  cooldownSource: strOrNull,
  cooldownCleared: {
    ...closedObject({
      at: str,
      atEpoch: int,
      why: { type: "string", enum: ["usage-room", "by-hand", "reset-passed", "answered"] },
      by: str,
      until: str,
    }),
    type: ["object", "null"],
  },
  usage: {
    ...closedObject({
      observedAt: str,
      observedAtEpoch: int,
      source: str,
      fiveHour: WINDOW_SCHEMA,
      weekly: WINDOW_SCHEMA,
    }),
    type: ["object", "null"],
  },
  history: {
    ...closedObject({ fiveHour: WINDOW_HISTORY_SCHEMA, weekly: WINDOW_HISTORY_SCHEMA }),
    type: ["object", "null"],
  },
  attempts: count,
  successes: count,
  failures: count,
  consecutiveFailures: count,
  lastAttemptAt: strOrNull,
  lastAttemptAtEpoch: intOrNull,
  lastSuccessAt: strOrNull,
  lastSuccessAtEpoch: intOrNull,
  lastFailureAt: strOrNull,
  lastFailureAtEpoch: intOrNull,
  lastQuotaHitAt: strOrNull,
  lastQuotaHitAtEpoch: intOrNull,
  lastError: strOrNull,
  duplicateOf: strings,
  home: str,
});

/** `cao status --json`. */
export const STATUS_SCHEMA: JsonSchema = closedObject({
  schemaVersion: { type: "integer", enum: [1] },
  generatedAt: str,
  generatedAtEpoch: int,
  home: str,
  defaultAccount: strOrNull,
  gateway: closedObject({ enabled: bool, url: strOrNull, accountsInUse: strings }),
  accounts: { type: "array", items: STATUS_ACCOUNT_SCHEMA },
});

/** One doctor finding. */
export const FINDING_SCHEMA: JsonSchema = closedObject({
  check: str,
  severity: { type: "string", enum: ["error", "warning", "info"] },
  account: strOrNull,
  message: str,
  fix: str,
});

/** `cao doctor --json`. */
export const DOCTOR_SCHEMA: JsonSchema = closedObject({
  schemaVersion: { type: "integer", enum: [1] },
  generatedAt: str,
  generatedAtEpoch: int,
  exitCode: { type: "integer", enum: [0, 1, 2] },
  healthy: bool,
  errors: count,
  warnings: count,
  infos: count,
  accounts: count,
  codex: closedObject({ command: str, found: bool, version: strOrNull }),
  gateway: closedObject({ enabled: bool, url: strOrNull, answering: { type: ["boolean", "null"] } }),
  findings: { type: "array", items: FINDING_SCHEMA },
});

/** `cao report --format json`. */
export const REPORT_SCHEMA: JsonSchema = closedObject({
  schemaVersion: { type: "integer", enum: [1] },
  generatedAt: str,
  generatedAtEpoch: int,
  redacted: bool,
  totals: closedObject({
    accounts: count,
    ready: count,
    cooling: count,
    needsLogin: count,
    failuresInARow: count,
    errors: count,
    warnings: count,
  }),
  accounts: { type: "array", items: STATUS_ACCOUNT_SCHEMA },
  doctor: DOCTOR_SCHEMA,
});
