/**
 * Pure deciders of the CLI with literal inputs: which status view a set of flags picks, the rows of
 * `cao list` and how they fit a width, the gateway settings a set of `gateway start` flags names, the
 * limit line of `cao run`, colour and login texts, the user's home directory.
 */

import assert from "node:assert/strict";
import { chooseView, renderView } from "../../src/cli/status.ts";
import type { CommandContext } from "../../src/cli/context.ts";
import { buildStatusSnapshot } from "../../src/status/collect.ts";
import { visibleWidth } from "../../src/shared/format.ts";
import { listRows } from "../../src/cli/list.ts";
import { settingsFromFlags } from "../../src/cli/gateway_start.ts";
import { describeLimit } from "../../src/cli/run_messages.ts";
import { colorEnabled, palette } from "../../src/cli/output.ts";
import { describeLogin, loginStateLabel } from "../../src/cli/login_text.ts";
import { userHomeFrom } from "../../src/cli/deps.ts";
import { checkTimeoutNeedsRefresh } from "../../src/cli/flags.ts";
import { gatewayStatusLines } from "../../src/cli/gateway_control.ts";
import { accountJson } from "../../src/cli/account_json.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";
import type { AccountSummary } from "../../src/codex/account_summary.ts";
import type { LoginSummary } from "../../src/codex/auth_file.ts";
import { loginSummary } from "../support/login_summary.ts";
import { UsageError } from "../../src/shared/errors.ts";

// The test task pins TZ=UTC, so local times below are UTC.
const NOW = new Date("2026-11-21T12:00:00Z");
const NOW_S = NOW.getTime() / 1000;

function summary(name: string, fields: Partial<LoginSummary>, isDefault = false): AccountSummary {
  return { name, isDefault, position: 1, login: loginSummary(fields), duplicateOf: [] };
}

function usageError(message: string, hint?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.equal(error.message, message);
    if (hint !== undefined) assert.equal(error.hint, hint);
    return true;
  };
}

Deno.test("chooseView() picks the flag's view, else the dashboard on a terminal and compact elsewhere", () => {
  assert.equal(chooseView({}, true), "dashboard");
  assert.equal(chooseView({}, false), "compact");
  assert.equal(chooseView({ json: true }, true), "json");
  assert.equal(chooseView({ full: true }, true), "full");
  assert.equal(chooseView({ compact: true }, true), "compact");
  assert.equal(chooseView({ pretty: true }, false), "dashboard");
  // Flags set to false count as absent, and flags of other kinds do not pick a view.
  assert.equal(chooseView({ json: false, full: false, refresh: true, doctor: true }, false), "compact");
});

Deno.test("chooseView() refuses two or more views, naming them in one order", () => {
  const hint = "pick one view: --pretty, --compact, --full or --json";
  assert.throws(
    () => chooseView({ full: true, json: true }, true),
    usageError("Cannot combine --json and --full", hint),
  );
  assert.throws(
    () => chooseView({ pretty: true, compact: true }, false),
    usageError("Cannot combine --compact and --pretty", hint),
  );
  assert.throws(
    () => chooseView({ pretty: true, compact: true, full: true, json: true }, true),
    usageError("Cannot combine --json and --full and --compact and --pretty", hint),
  );
});

const ACCOUNTS: AccountSummary[] = [
  summary("work", { email: "w@example.com", plan: "plus", accessExpiresAt: NOW_S + 3600 }, true),
  summary("old", { state: "not-logged-in" }),
  summary("exp", {
    email: "e@example.com",
    plan: "pro",
    accessExpiresAt: NOW_S - 7200,
    hasRefreshToken: true,
  }),
];

Deno.test("listRows() lines up the accounts, marks the default and says when an expired token renews", () => {
  assert.deepEqual(listRows(ACCOUNTS, {}, NOW, false, palette(false)), [
    "   ACCOUNT  EMAIL          PLAN  LOGIN          TOKEN",
    "*  work     w@example.com  plus  logged in      in 1h",
    "   old      -              -     not logged in  -",
    "   exp      e@example.com  pro   logged in      2h ago (renews)",
  ]);
});

// Without a default account the mark column is empty and takes no room.
Deno.test("listRows() of no accounts is the header alone", () => {
  assert.deepEqual(listRows([], {}, NOW, false, palette(false)), ["  ACCOUNT  EMAIL  PLAN  LOGIN  TOKEN"]);
  assert.deepEqual(listRows([], {}, NOW, false, palette(false), 10), ["  ACCOUNT…"]);
});

Deno.test("listRows() says an expired token without a refresh token has no renewal", () => {
  const rows = listRows(
    [summary("x", { accessExpiresAt: NOW_S - 60, hasRefreshToken: false })],
    {},
    NOW,
    false,
    palette(false),
  );
  assert.equal(rows[1], "  x        -      -     logged in  1m ago");
});

Deno.test("listRows() colours the login state, and colour codes do not count in the alignment", () => {
  const rows = listRows(ACCOUNTS.slice(0, 2), {}, NOW, false, palette(true));
  assert.equal(rows[1], "*  work     w@example.com  plus  \x1b[32mlogged in\x1b[39m      in 1h");
  assert.equal(rows[2], "   old      -              -     \x1b[33mnot logged in\x1b[39m  -");
});

Deno.test("listRows() --details adds the status texts; an account without a status reads as never used", () => {
  const statuses = {
    work: {
      ...emptyAccountStatus(),
      attempts: 4,
      successes: 3,
      failures: 1,
      consecutiveFailures: 1,
      lastQuotaHitAt: "2026-11-21T11:55:00.000Z",
      cooldownUntil: "2026-11-21T13:00:00.000Z",
      usage: {
        primary: { usedPercent: 40.4, windowMinutes: 300, resetsAt: NOW_S + 7800 },
        secondary: { usedPercent: 12, windowMinutes: 10080, resetsAt: NOW_S - 60 },
        observedAt: "2026-11-21T11:59:00.000Z",
        source: "rollout",
      },
    },
  };
  assert.deepEqual(listRows(ACCOUNTS.slice(0, 2), statuses, NOW, true, palette(false)), [
    "   ACCOUNT  EMAIL          PLAN  LOGIN          TOKEN  5H            WEEKLY        COOLDOWN  " +
    "LAST QUOTA HIT  RUNS    FAILURES",
    "*  work     w@example.com  plus  logged in      in 1h  40% (2h 10m)  reset 1m ago  1h left   " +
    "5m ago          3/4 ok  1 in a row, 1 total",
    "   old      -              -     not logged in  -      -             -             -         " +
    "never           0/0 ok  none",
  ]);
});

Deno.test("listRows() gives up TOKEN, then PLAN, then email room, then EMAIL to fit a width", () => {
  const rows = (width: number) => listRows(ACCOUNTS, {}, NOW, false, palette(false), width);
  // 63 columns wide as it is.
  assert.deepEqual(rows(63), listRows(ACCOUNTS, {}, NOW, false, palette(false)));
  assert.deepEqual(rows(62), [
    "   ACCOUNT  EMAIL          PLAN  LOGIN",
    "*  work     w@example.com  plus  logged in",
    "   old      -              -     not logged in",
    "   exp      e@example.com  pro   logged in",
  ]);
  assert.deepEqual(rows(40), [
    "   ACCOUNT  EMAIL          LOGIN",
    "*  work     w@example.com  logged in",
    "   old      -              not logged in",
    "   exp      e@example.com  logged in",
  ]);
  assert.deepEqual(rows(39), [
    "   ACCOUNT  EMAIL         LOGIN",
    "*  work     w@example.c…  logged in",
    "   old      -             not logged in",
    "   exp      e@example.c…  logged in",
  ]);
  assert.deepEqual(rows(38), [
    "   ACCOUNT  LOGIN",
    "*  work     logged in",
    "   old      not logged in",
    "   exp      logged in",
  ]);
  // Narrower than the last cut leaves: every line is cut at the width.
  assert.deepEqual(rows(12), ["   ACCOUNT …", "*  work    …", "   old     …", "   exp     …"]);
});

Deno.test("listRows() --details drops the least needed columns first and keeps the usage percents", () => {
  const statuses = {
    work: {
      ...emptyAccountStatus(),
      usage: {
        primary: { usedPercent: 40, windowMinutes: 300, resetsAt: NOW_S + 7800 },
        secondary: null,
        observedAt: "2026-11-21T11:59:00.000Z",
        source: "rollout",
      },
    },
  };
  // LOGIN and COOLDOWN are never dropped; the 5H cell loses its time to reset before WEEKLY needs to.
  assert.deepEqual(listRows(ACCOUNTS.slice(0, 1), statuses, NOW, true, palette(false), 44), [
    "   ACCOUNT  LOGIN      5H   WEEKLY  COOLDOWN",
    "*  work     logged in  40%  -       -",
  ]);
});

Deno.test("settingsFromFlags() names only the flags given, parsed", () => {
  assert.deepEqual(settingsFromFlags({}), {
    port: undefined,
    bind: undefined,
    upstream: undefined,
    switchAt: undefined,
    idleTimeoutSeconds: undefined,
    retries: undefined,
    defaultCooldownMinutes: undefined,
    allowRemote: undefined,
  });
  assert.deepEqual(
    settingsFromFlags({
      port: "8080",
      bind: "0.0.0.0",
      upstream: "http://127.0.0.1:9/v1",
      switchAt: "85.5",
      idleTimeout: "90",
      retries: "0",
      defaultCooldown: "0",
      allowRemote: true,
      detach: true,
      save: true,
    }),
    {
      port: 8080,
      bind: "0.0.0.0",
      upstream: "http://127.0.0.1:9/v1",
      switchAt: 85.5,
      idleTimeoutSeconds: 90,
      retries: 0,
      defaultCooldownMinutes: 0,
      allowRemote: true,
    },
  );
  assert.equal(settingsFromFlags({ switchAt: "off" }).switchAt, null);
});

Deno.test("settingsFromFlags() refuses a bad number in one wording per flag", () => {
  assert.throws(
    () => settingsFromFlags({ port: "80.5" }),
    usageError('Cannot use --port "80.5": expected a whole number'),
  );
  assert.throws(
    () => settingsFromFlags({ port: "" }),
    usageError('Cannot use --port "": expected a whole number'),
  );
  assert.throws(
    () => settingsFromFlags({ retries: "two" }),
    usageError('Cannot use --retries "two": expected a whole number'),
  );
  assert.throws(
    () => settingsFromFlags({ defaultCooldown: "-1" }),
    usageError('Cannot use --default-cooldown "-1": expected a number of minutes, at least 0'),
  );
  // Only the lower-case word turns switching off.
  assert.throws(
    () => settingsFromFlags({ switchAt: "OFF" }),
    usageError('Cannot use --switch-at "OFF": expected a number'),
  );
  assert.throws(
    () => settingsFromFlags({ idleTimeout: "Infinity" }),
    usageError('Cannot use --idle-timeout "Infinity": expected a number'),
  );
});

Deno.test("describeLimit() words each limit reason, with the local time and how far it is", () => {
  const until = new Date("2026-11-21T14:37:00Z");
  assert.equal(
    describeLimit({ account: "work", until, reason: "usage_limit" }, NOW),
    '"work" hit its usage limit until 2026-11-21 14:37 (in 2h 37m)',
  );
  assert.equal(
    describeLimit({ account: "free", until, reason: "usage_not_included" }, NOW),
    '"free" has no Codex usage in its plan until 2026-11-21 14:37 (in 2h 37m)',
  );
  assert.equal(
    describeLimit({ account: "api", until, reason: "insufficient_quota" }, NOW),
    '"api" ran out of quota until 2026-11-21 14:37 (in 2h 37m)',
  );
  // A reset already passed, and one a year and a day away (to the minute; months and days padded).
  assert.equal(
    describeLimit({ account: "a", until: new Date("2026-11-21T11:35:30Z"), reason: "usage_limit" }, NOW),
    '"a" hit its usage limit until 2026-11-21 11:35 (24m 30s ago)',
  );
  assert.equal(
    describeLimit({ account: "a", until: new Date("2027-01-02T03:04:59Z"), reason: "usage_limit" }, NOW),
    '"a" hit its usage limit until 2027-01-02 03:04 (in 41d 15h)',
  );
});

Deno.test("colorEnabled() needs the flag, a terminal and an empty or absent NO_COLOR", () => {
  assert.equal(colorEnabled({ flag: true, noColorEnv: undefined, isTerminal: true }), true);
  assert.equal(colorEnabled({ flag: true, noColorEnv: "", isTerminal: true }), true);
  assert.equal(colorEnabled({ flag: true, noColorEnv: "0", isTerminal: true }), false);
  assert.equal(colorEnabled({ flag: true, noColorEnv: undefined, isTerminal: false }), false);
  assert.equal(colorEnabled({ flag: false, noColorEnv: undefined, isTerminal: true }), false);
});

Deno.test("palette() wraps text in ANSI codes only when enabled", () => {
  const on = palette(true);
  assert.equal(on.enabled, true);
  assert.equal(on.bold("b"), "\x1b[1mb\x1b[22m");
  assert.equal(on.dim("d"), "\x1b[2md\x1b[22m");
  assert.equal(on.red("r"), "\x1b[31mr\x1b[39m");
  assert.equal(on.green("g"), "\x1b[32mg\x1b[39m");
  assert.equal(on.yellow("y"), "\x1b[33my\x1b[39m");
  assert.equal(on.cyan("c"), "\x1b[36mc\x1b[39m");
  const off = palette(false);
  assert.equal(off.enabled, false);
  assert.equal(off.red("r") + off.bold("") + off.cyan("c"), "rc");
});

Deno.test("describeLogin() names the email, else the account id, with the plan when known", () => {
  assert.equal(
    describeLogin(loginSummary({ email: "a@example.com", plan: "plus", accountId: "acc" })),
    "a@example.com (plus)",
  );
  assert.equal(describeLogin(loginSummary({ accountId: "acc-1" })), "acc-1");
  assert.equal(describeLogin(loginSummary({ plan: "team" })), "unknown ChatGPT account (team)");
  // An empty plan is no plan.
  assert.equal(describeLogin(loginSummary({ email: "a@example.com", plan: "" })), "a@example.com");
});

Deno.test("loginStateLabel() words each login state", () => {
  assert.equal(loginStateLabel(loginSummary({ state: "logged-in" })), "logged in");
  assert.equal(loginStateLabel(loginSummary({ state: "api-key" })), "api key");
  assert.equal(loginStateLabel(loginSummary({ state: "unreadable" })), "unreadable");
  assert.equal(loginStateLabel(loginSummary({ state: "not-logged-in" })), "not logged in");
});

Deno.test("userHomeFrom() prefers HOME, on Windows USERPROFILE, and falls back to the other, then '.'", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  const both = env({ HOME: "/home/u", USERPROFILE: "C:\\Users\\u" });
  assert.equal(userHomeFrom(both, "linux"), "/home/u");
  assert.equal(userHomeFrom(both, "windows"), "C:\\Users\\u");
  assert.equal(userHomeFrom(env({ USERPROFILE: "C:\\Users\\u" }), "darwin"), "C:\\Users\\u");
  assert.equal(userHomeFrom(env({ HOME: "/home/u" }), "windows"), "/home/u");
  assert.equal(userHomeFrom(env({}), "linux"), ".");
  assert.equal(userHomeFrom(env({}), "windows"), ".");
});

Deno.test("checkTimeoutNeedsRefresh() refuses --timeout without --refresh only", () => {
  checkTimeoutNeedsRefresh({});
  checkTimeoutNeedsRefresh({ refresh: true });
  checkTimeoutNeedsRefresh({ timeout: "5", refresh: true });
  assert.throws(
    () => checkTimeoutNeedsRefresh({ timeout: "5" }),
    usageError(
      "Cannot use --timeout without --refresh",
      "it is the timeout of each --refresh request; add --refresh",
    ),
  );
  assert.throws(() => checkTimeoutNeedsRefresh({ timeout: "", refresh: false }), UsageError);
});

Deno.test("gatewayStatusLines() sums up a gateway's /status and tabulates its accounts", () => {
  const row = (fields: Record<string, unknown>) => ({
    default: false,
    state: "ready",
    until: null,
    reason: null,
    usedPercent: null,
    requests: 0,
    limitHits: 0,
    conversations: 0,
    ...fields,
  });
  const status = {
    version: "0.1.0",
    url: "http://127.0.0.1:4455",
    pid: 4242,
    startedAt: "2026-11-21T11:00:00.000Z",
    upstream: "https://chatgpt.com/backend-api/codex",
    switchAt: 90,
    requests: 12,
    switches: 1,
    conversations: 3,
    refreshes: 0,
    accounts: [
      row({ name: "work", default: true, usedPercent: 42, requests: 10, limitHits: 1, conversations: 2 }),
      row({ name: "personal", state: "cooling", until: "2026-11-21T13:30:00.000Z", usedPercent: 100 }),
      row({ name: "old", state: "needs-login", reason: "refresh token reused" }),
    ],
  };
  assert.deepEqual(gatewayStatusLines(status, NOW), [
    "cao gateway 0.1.0 at http://127.0.0.1:4455 (pid 4242), up since 2026-11-21T11:00:00.000Z",
    "upstream https://chatgpt.com/backend-api/codex; switch-at 90; requests 12, switches 1, conversations 3, " +
    "token refreshes 0",
    "",
    "   ACCOUNT   STATE                               USED  REQUESTS  LIMITS  CONVERSATIONS",
    "*  work      ready                               42%   10        1       2",
    "   personal  cooling for 1h 30m                  100%  0         0       0",
    "   old       needs login (refresh token reused)  -     0         0       0",
  ]);
  const idle = gatewayStatusLines({ ...status, switchAt: null, accounts: undefined }, NOW);
  assert.equal(idle[1].startsWith("upstream https://chatgpt.com/backend-api/codex; switch-at off;"), true);
  assert.deepEqual(idle.slice(3), ["  ACCOUNT  STATE  USED  REQUESTS  LIMITS  CONVERSATIONS"]);
});

Deno.test("renderView() renders the chosen view: JSON as one document, the dashboard to the output width", () => {
  const snapshot = buildStatusSnapshot({
    now: NOW,
    home: "/home/me/.codex-account-orchestrator",
    summaries: [summary("work", { email: "a-rather-long-address@example.com", plan: "plus" }, true)],
    statuses: {},
    accountHome: (name) => `/home/me/.codex-account-orchestrator/${name}`,
  });
  const ctx = (env: Record<string, string>, color = false) =>
    ({
      out: { color: palette(color) },
      deps: { env: (name: string) => env[name], isTerminal: () => ({ stdin: false, stdout: false }) },
    }) as unknown as CommandContext;
  const json = renderView("json", snapshot, ctx({}));
  assert.equal(json.length, 1);
  const doc = JSON.parse(json[0]);
  assert.deepEqual([doc.defaultAccount, doc.accounts.map((a: { name: string }) => a.name)], ["work", [
    "work",
  ]]);
  const widest = (lines: string[]) => Math.max(...lines.map(visibleWidth));
  const dashboard = renderView("dashboard", snapshot, ctx({}));
  assert.ok(dashboard.some((line) => line.includes("work")), dashboard.join("\n"));
  assert.ok(widest(dashboard) > 40 && widest(dashboard) <= 78, `${widest(dashboard)}`);
  assert.ok(widest(renderView("dashboard", snapshot, ctx({ COLUMNS: "40" }))) <= 40);
  for (const view of ["compact", "full"] as const) {
    const plain = renderView(view, snapshot, ctx({}));
    assert.ok(plain.some((line) => line.includes("work")), `${view}: ${plain.join("\n")}`);
    assert.ok(!plain.join("\n").includes("\x1b["), view);
    assert.ok(renderView(view, snapshot, ctx({}, true)).join("\n").includes("\x1b["), `${view} in colour`);
  }
});

Deno.test("accountJson() is an account's login as JSON, times in ISO and epoch, its status only when given", () => {
  const work: AccountSummary = {
    name: "work",
    isDefault: true,
    position: 2,
    login: loginSummary({
      email: "w@example.com",
      plan: "plus",
      accountId: "acc",
      userId: "user",
      accessExpiresAt: 1795262400,
      hasRefreshToken: true,
      lastRefresh: "2026-11-21T10:00:00.000Z",
    }),
    duplicateOf: ["copy"],
  };
  assert.deepEqual(accountJson(work, "/h/work"), {
    name: "work",
    default: true,
    position: 2,
    loggedIn: true,
    loginState: "logged-in",
    loginProblem: null,
    email: "w@example.com",
    plan: "plus",
    accountId: "acc",
    userId: "user",
    accessTokenExpiresAt: "2026-11-21T12:00:00.000Z",
    accessTokenExpiresAtEpoch: 1795262400,
    hasRefreshToken: true,
    lastRefresh: "2026-11-21T10:00:00.000Z",
    duplicateOf: ["copy"],
    home: "/h/work",
  });
  const status = { ...emptyAccountStatus(), attempts: 3 };
  const unreadable = summary("x", { state: "unreadable", problem: "auth.json is not JSON" });
  const json = accountJson(unreadable, "/h/x", status);
  assert.deepEqual(
    [json.loggedIn, json.loginState, json.loginProblem, json.accessTokenExpiresAt, json.status],
    [false, "unreadable", "auth.json is not JSON", null, status],
  );
  assert.equal("status" in accountJson(unreadable, "/h/x"), false);
});
