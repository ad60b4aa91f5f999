/**
 * @module
 * Saving and restoring the terminal around the Codex TUI. Codex 0.169 restores the terminal when it quits
 * by itself, but not when it is ended by a signal (verified: SIGTERM and SIGINT both leave raw mode on),
 * and cao stops it with SIGTERM when the conversation moves to another account. So cao saves the terminal
 * settings (`stty -g`) before starting the TUI and puts them back, with the escape sequences that undo
 * what a full-screen TUI switches on, after a TUI that did not end by itself. POSIX only.
 */

import { runToCompletion, type SpawnFn } from "../codex/spawn.ts";

/**
 * Undoes the modes a TUI may leave on: the alternate screen, a hidden cursor, bracketed paste, focus
 * reports, mouse capture, and the kitty keyboard protocol.
 */
export const TERMINAL_RESET_SEQUENCE = "\x1b[?1049l\x1b[?25h\x1b[?2004l\x1b[?1004l" +
  "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[<1u\x1b[0m\r\n";

/** The terminal's settings as `stty -g` prints them, or null (no terminal, no stty, Windows). */
export async function saveTerminalSettings(
  spawn: SpawnFn,
  os: string = Deno.build.os,
): Promise<string | null> {
  if (os === "windows") return null;
  try {
    const result = await runToCompletion(spawn, "stty", { args: ["-g"], stdin: "inherit" });
    const settings = result.stdout.trim();
    return result.code === 0 && settings !== "" ? settings : null;
  } catch {
    return null;
  }
}

/** Puts the saved settings back and writes the reset sequence through `write`. */
export async function restoreTerminal(
  spawn: SpawnFn,
  settings: string,
  write: (text: string) => void,
): Promise<void> {
  try {
    await runToCompletion(spawn, "stty", { args: [settings], stdin: "inherit" });
  } catch { /* nothing more can be done */ }
  write(TERMINAL_RESET_SEQUENCE);
}
