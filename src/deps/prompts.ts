/**
 * @module
 * Adapter for the interactive prompt stand-in (`npm:@clack/prompts`, in place of `@cliffy/prompt`). Callers
 * must only prompt on a terminal; a cancelled prompt resolves to null.
 */

/** One choice of a select prompt. */
export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/** The prompts cao uses. */
export interface Prompts {
  /** Asks the user to pick one of `choices`; null when cancelled. */
  select(message: string, choices: Choice[], initial?: string): Promise<string | null>;
  /** Asks a yes/no question; null when cancelled. */
  confirm(message: string, initial?: boolean): Promise<boolean | null>;
}

/** Prompts on the real terminal (loaded lazily: most commands never prompt). */
export const terminalPrompts: Prompts = {
  async select(message, choices, initial) {
    const clack = await import("@clack/prompts");
    const answer = await clack.select({
      message,
      options: choices.map((c) => ({ value: c.value, label: c.label, hint: c.hint })),
      initialValue: initial,
    });
    return clack.isCancel(answer) ? null : String(answer);
  },
  async confirm(message, initial = false) {
    const clack = await import("@clack/prompts");
    const answer = await clack.confirm({ message, initialValue: initial });
    return clack.isCancel(answer) ? null : answer === true;
  },
};
