/**
 * @module
 * `cao status --compact` (and `cao status` when stdout is not a terminal): one line per account under a
 * header, easy to grep and to read in a log. Pure.
 */

import { renderTable } from "../shared/format.ts";
import { type AccountState, accountState, STATE_LABELS, usageWindows } from "./account_state.ts";
import { agoText, cooldownText, healedText, windowCell } from "./cells.ts";
import type { StatusSnapshot } from "./collect.ts";
import { PLAIN, type Styles } from "./styles.ts";

function stateCell(state: AccountState, styles: Styles): string {
  const label = STATE_LABELS[state.kind];
  if (state.kind === "ready") return styles.green(label);
  if (state.kind === "cooling") return styles.yellow(label);
  return styles.red(label);
}

/** The compact view, one string per line. Pure. */
export function renderCompact(snapshot: StatusSnapshot, styles: Styles = PLAIN): string[] {
  if (snapshot.accounts.length === 0) {
    return ['No accounts yet. Add one with "cao add <name>" or import with "cao import codex".'];
  }
  const now = snapshot.now;
  const rows = snapshot.accounts.map((view) => {
    const state = accountState(view, now);
    const windows = usageWindows(view, now);
    let note = "";
    if (state.kind === "cooling") note = cooldownText(view.status, now);
    else if (state.kind !== "ready") note = state.reason;
    else if (view.status.lastSuccessAt !== null) note = `ok ${agoText(view.status.lastSuccessAt, now)}`;
    const healed = state.kind === "ready" ? healedText(view.status, now) : null;
    if (healed !== null) note += `${note ? "; " : ""}${healed}`;
    if (view.status.consecutiveFailures > 0) {
      note += `${note ? "; " : ""}${view.status.consecutiveFailures} failed in a row`;
    }
    return [
      view.isDefault ? "*" : "",
      view.name,
      stateCell(state, styles),
      windowCell(windows.fiveHour, now),
      windowCell(windows.weekly, now),
      [view.login.email ?? view.login.accountId ?? "-", view.login.plan ?? ""].filter(Boolean).join(" "),
      note,
    ];
  });
  return renderTable(["", "ACCOUNT", "STATE", "5H", "WEEKLY", "LOGIN", "NOTE"], rows);
}
