/**
 * @module
 * How wide the output may be: `COLUMNS` when it names a width, else the terminal's width when stdout is a
 * terminal, else no limit (piped output keeps whole lines for grep and scripts). Pure apart from the deps
 * it is handed.
 */

import type { CliDeps } from "./deps.ts";

/** The width to fit, from its sources. Pure. */
export function widthFrom(
  input: { columnsEnv: string | undefined; isTerminal: boolean; terminalColumns: number | null },
): number | null {
  const fromEnv = Number(input.columnsEnv);
  if (input.columnsEnv !== undefined && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (input.isTerminal && input.terminalColumns !== null && input.terminalColumns > 0) {
    return input.terminalColumns;
  }
  return null;
}

/** The width output should fit in this run, or null for no limit. */
export function outputWidth(deps: CliDeps): number | null {
  return widthFrom({
    columnsEnv: deps.env("COLUMNS"),
    isTerminal: deps.isTerminal().stdout,
    terminalColumns: deps.terminalColumns?.() ?? null,
  });
}
