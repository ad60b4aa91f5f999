/**
 * @module
 * The cao home as the rest of the program sees it: its paths, the clock, and where warnings go. Creating the
 * home (0700) happens here; nothing here prints (warnings are handed to the caller's `warn`).
 */

import { type CaoPaths, caoPaths } from "./paths.ts";
import { ensurePrivateDir } from "../fs/permissions.ts";

/** A cao home together with the clock and the warning sink every store uses. */
export interface CaoHome {
  /** Every path below the home. */
  paths: CaoPaths;
  /** The current time (injected so that tests can pin it). */
  now(): Date;
  /** Receives one-line warnings (repaired permissions, files moved aside, …). */
  warn(message: string): void;
  /**
   * Marks a step of a multi-step change (`rename:dir-moved`, …). The crash-safety tests make the process die
   * there (`CAO_TEST_CRASH_AT=<step>`, a test hook, see CONTRIBUTING.md); otherwise it does nothing.
   */
  checkpoint?(step: string): void;
}

/** Builds a CaoHome for `root`. */
export function openCaoHome(
  root: string,
  now: () => Date,
  warn: (message: string) => void,
  checkpoint?: (step: string) => void,
): CaoHome {
  return { paths: caoPaths(root), now, warn, checkpoint };
}

/** Creates the home directory (0700) when missing and repairs a looser mode. */
export async function ensureCaoHome(home: CaoHome): Promise<void> {
  await ensurePrivateDir(home.paths.root, home.warn);
}
