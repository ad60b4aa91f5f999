/**
 * @module
 * The colour functions the status renderers take. The CLI's `Palette` (`src/cli/output.ts`) has this shape;
 * it is declared here so that renderers stay below the CLI in the dependency order. Pure.
 */

/** Styling functions; identity when colour is off. */
export interface Styles {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const same = (text: string) => text;

/** No colour at all. */
export const PLAIN: Styles = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/** Shortens plain `text` to `width` characters, ending in "…" when cut. Pure. */
export function fitText(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? chars.slice(0, width).join("") : chars.slice(0, width - 1).join("") + "…";
}
