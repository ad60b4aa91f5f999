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

/** Breaks plain `text` at spaces into lines of at most `width` characters (a longer word is cut). Pure. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line === "" ? word : `${line} ${word}`;
    if ([...next].length <= width) line = next;
    else {
      if (line !== "") lines.push(line);
      line = fitText(word, width);
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
