/**
 * @module
 * Text formatting shared by every view: durations, relative times, fixed-width tables that ignore ANSI
 * colour codes when measuring. Pure functions.
 */

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** The visible width of a string (ANSI colour codes do not count). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

/** `1d 2h`, `3h 5m`, `4m`, `12s`: the largest unit of a duration and the one after it (when not zero). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const units: [string, number][] = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
  const first = units.findIndex(([, size]) => total >= size);
  if (first < 0) return "0s";
  const [label, size] = units[first];
  const parts = [`${Math.floor(total / size)}${label}`];
  const next = units[first + 1];
  if (next) {
    const value = Math.floor((total % size) / next[1]);
    if (value > 0) parts.push(`${value}${next[0]}`);
  }
  return parts.join(" ");
}

/** `in 2h 5m` or `3d ago` relative to `now`. */
export function formatRelative(target: Date, now: Date): string {
  const delta = target.getTime() - now.getTime();
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** Renders rows as left-aligned columns separated by two spaces; trailing spaces trimmed. */
export function renderTable(header: string[] | null, rows: string[][]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell)));
  return all.map((row) =>
    row.map((cell, i) => i === row.length - 1 ? cell : cell + " ".repeat(widths[i] - visibleWidth(cell)))
      .join("  ").trimEnd()
  );
}

/** An epoch-seconds time as ISO 8601, or null. */
export function epochToIso(epochSeconds: number | null): string | null {
  return epochSeconds === null ? null : new Date(epochSeconds * 1000).toISOString();
}
