/**
 * @module
 * A table that fits a width: while its widest line is too wide, the cuts are applied in the order given (a
 * column shortened to a few characters with "…", rewritten shorter, or dropped), and a line still too wide
 * is cut at the width.
 * ANSI colour codes do not count and are never split. Pure.
 */

import { renderTable, visibleWidth } from "./format.ts";

/** One way a table gives up room: shorten a column's cells to some characters, rewrite them, or drop it. */
export type TableCut =
  | { column: string; shortenTo: number }
  | { column: string; rewrite: (cell: string) => string }
  | { column: string; drop: true };

// deno-lint-ignore no-control-regex
const ANSI_PREFIX = /^\x1b\[[0-9;]*m/;

/** `text` cut to `width` visible characters, ending in "…" when cut; colour codes are kept whole. Pure. */
export function cutToWidth(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = "";
  let seen = 0;
  let rest = text;
  while (rest.length > 0) {
    const code = ANSI_PREFIX.exec(rest);
    if (code) {
      out += code[0];
      rest = rest.slice(code[0].length);
      continue;
    }
    const char = [...rest][0];
    if (seen >= width - 1) break;
    out += char;
    seen++;
    rest = rest.slice(char.length);
  }
  return `${out}…${text.includes("\x1b[") ? "\x1b[0m" : ""}`;
}

/** Renders `header` and `rows` (see renderTable) to fit `width` columns (null: no limit). Pure. */
export function fitTable(
  header: string[],
  rows: string[][],
  width: number | null,
  cuts: TableCut[],
): string[] {
  let head = header;
  let body = rows;
  let lines = renderTable(head, body);
  const fits = () => width === null || lines.every((line) => visibleWidth(line) <= width);
  for (const cut of cuts) {
    if (fits()) break;
    const index = head.indexOf(cut.column);
    if (index < 0) continue;
    if ("drop" in cut) {
      head = head.filter((_, i) => i !== index);
      body = body.map((row) => row.filter((_, i) => i !== index));
    } else {
      const change = "rewrite" in cut ? cut.rewrite : (cell: string) => cutToWidth(cell, cut.shortenTo);
      body = body.map((row) => row.map((cell, i) => i === index ? change(cell) : cell));
    }
    lines = renderTable(head, body);
  }
  return width === null ? lines : lines.map((line) => cutToWidth(line, width));
}
