/**
 * @module
 * A spinner on stderr for work that can take more than a second (asking every account's usage endpoint,
 * waiting for a detached gateway to answer, moving a CAO 1.4.2 home): drawn only when stderr is a terminal,
 * only once the work has taken a moment, and wiped when it ends, so that nothing of it is left in the
 * output and none of it is written at all when stderr is a file or a pipe.
 */

import type { CliDeps } from "./deps.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Before this, no spinner: quick work shows nothing. */
const FIRST_FRAME_MS = 200;

/** Between frames. */
const FRAME_MS = 80;

/** One frame: back to the start of the line, the spinner and the text, the rest of the line cleared. Pure. */
export function progressFrame(tick: number, text: string): string {
  return `\r${FRAMES[tick % FRAMES.length]} ${text}…\x1b[K`;
}

/** What wipes the spinner's line. */
export const PROGRESS_CLEAR = "\r\x1b[K";

/** Runs `work` with a spinner saying `text` on stderr when stderr is a terminal. */
export async function withProgress<T>(deps: CliDeps, text: string, work: () => Promise<T>): Promise<T> {
  if (deps.isTerminal().stderr !== true) return await work();
  let tick = 0;
  let shown = false;
  let every: ReturnType<typeof setInterval> | undefined;
  const first = setTimeout(() => {
    shown = true;
    deps.stderr(progressFrame(tick++, text));
    every = setInterval(() => deps.stderr(progressFrame(tick++, text)), FRAME_MS);
  }, FIRST_FRAME_MS);
  try {
    return await work();
  } finally {
    clearTimeout(first);
    if (every !== undefined) clearInterval(every);
    if (shown) deps.stderr(PROGRESS_CLEAR);
  }
}
