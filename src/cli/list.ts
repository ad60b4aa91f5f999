/**
 * @module
 * `cao list [--details] [--json]`: the accounts in fallback order, the default marked, login state, email,
 * plan and token expiry (decoded from the JWT claims; no token is ever printed).
 */

import { warnLooseMode } from "../fs/permissions.ts";
import { emptyAccountStatus, loadStatusFile } from "../accounts/status_store.ts";
import { type AccountSummary, collectAccountSummaries } from "../codex/account_summary.ts";
import type { Command } from "../deps/commander.ts";
import { ExitCode } from "../shared/errors.ts";
import { formatRelative } from "../shared/format.ts";
import { fitTable, type TableCut } from "../shared/fit_table.ts";
import { windowAt } from "../status/account_state.ts";
import { agoText, cooldownText, failuresText, windowCell } from "../status/cells.ts";
import { accountJson, ACCOUNTS_JSON_SCHEMA_VERSION } from "./account_json.ts";
import { outputWidth } from "./terminal_width.ts";
import type { CommandContext, Runner } from "./context.ts";
import { loginStateLabel } from "./login_text.ts";
import type { AccountStatus } from "../accounts/status_store.ts";
import type { Palette } from "./output.ts";

/** Options of `cao list`. */
export interface ListOptions {
  details: boolean;
  json: boolean;
}

function expiryText(summary: AccountSummary, now: Date): string {
  const exp = summary.login.accessExpiresAt;
  if (exp === null) return "-";
  const text = formatRelative(new Date(exp * 1000), now);
  return exp * 1000 < now.getTime() && summary.login.hasRefreshToken ? `${text} (renews)` : text;
}

/**
 * How `cao list` fits a narrow terminal, in this order: emails shortened to 24 characters; then LAST QUOTA
 * HIT, RUNS, TOKEN and PLAN dropped; emails shortened to 12; FAILURES and then EMAIL dropped; the 5H and
 * WEEKLY cells lose their time to reset. A line still too wide is cut with "…".
 */
export const LIST_CUTS: TableCut[] = [
  { column: "EMAIL", shortenTo: 24 },
  { column: "LAST QUOTA HIT", drop: true },
  { column: "RUNS", drop: true },
  { column: "TOKEN", drop: true },
  { column: "PLAN", drop: true },
  { column: "EMAIL", shortenTo: 12 },
  { column: "FAILURES", drop: true },
  { column: "EMAIL", drop: true },
  { column: "5H", rewrite: percentOnly },
  { column: "WEEKLY", rewrite: percentOnly },
];

/** `40% (2h 10m)` → `40%`. Pure. */
function percentOnly(cell: string): string {
  return cell.replace(/ \(.*\)$/, "");
}

/** Table rows for the accounts, fitted to `width` columns (null: no limit). Pure. */
export function listRows(
  summaries: AccountSummary[],
  statuses: Record<string, AccountStatus>,
  now: Date,
  details: boolean,
  color: Palette,
  width: number | null = null,
): string[] {
  const header = ["", "ACCOUNT", "EMAIL", "PLAN", "LOGIN", "TOKEN"];
  if (details) header.push("5H", "WEEKLY", "COOLDOWN", "LAST QUOTA HIT", "RUNS", "FAILURES");
  const rows = summaries.map((s) => {
    const login = loginStateLabel(s.login);
    const row = [
      s.isDefault ? "*" : "",
      s.name,
      s.login.email ?? "-",
      s.login.plan ?? "-",
      s.login.state === "logged-in" ? color.green(login) : color.yellow(login),
      expiryText(s, now),
    ];
    if (details) {
      // The same texts as `cao status` (src/status/cells.ts).
      const st = statuses[s.name] ?? emptyAccountStatus();
      row.push(
        windowCell(windowAt(st.usage?.primary, now), now),
        windowCell(windowAt(st.usage?.secondary, now), now),
        cooldownText(st, now),
        st.lastQuotaHitAt === null ? "never" : agoText(st.lastQuotaHitAt, now),
        `${st.successes}/${st.attempts} ok`,
        failuresText(st),
      );
    }
    return row;
  });
  return fitTable(header, rows, width, LIST_CUTS);
}

/** Lists the accounts. */
export async function listAccounts(ctx: CommandContext, options: ListOptions): Promise<number> {
  const summaries = await collectAccountSummaries(ctx.home);
  for (const s of summaries) await warnLooseMode(ctx.home.paths.authFile(s.name), 0o600, ctx.home.warn);
  const statuses = options.details || options.json ? (await loadStatusFile(ctx.home)).accounts : {};
  if (options.json) {
    ctx.out.json({
      schemaVersion: ACCOUNTS_JSON_SCHEMA_VERSION,
      home: ctx.home.paths.root,
      defaultAccount: summaries.find((s) => s.isDefault)?.name ?? null,
      accounts: summaries.map((s) =>
        accountJson(
          s,
          ctx.home.paths.accountDir(s.name),
          options.details ? statuses[s.name] ?? emptyAccountStatus() : undefined,
        )
      ),
    });
    return ExitCode.ok;
  }
  if (summaries.length === 0) {
    ctx.out.line('No accounts yet. Add one with "cao add <name>" or import with "cao import codex".');
    return ExitCode.ok;
  }
  const width = outputWidth(ctx.deps);
  for (const line of listRows(summaries, statuses, ctx.deps.now(), options.details, ctx.out.color, width)) {
    ctx.out.line(line);
  }
  for (const s of summaries.filter((s) => s.duplicateOf.length > 0)) {
    ctx.out.warn(`"${s.name}" is the same ChatGPT login as ${s.duplicateOf.map((n) => `"${n}"`).join(", ")}`);
  }
  return ExitCode.ok;
}

/** Registers `cao list`. */
export function registerList(program: Command, run: Runner): void {
  program.command("list")
    .alias("ls")
    .description("list the accounts: order, default (*), login, email, plan, token expiry")
    .option("--details", "also show runs, failures, cooldowns and quota hits", false)
    .option("--json", "print JSON ({ accounts: [...] })", false)
    .action((options) => run((ctx) => listAccounts(ctx, options)));
}
