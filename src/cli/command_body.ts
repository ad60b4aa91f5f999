/**
 * @module
 * What happens around every command body: the cao home is checked (and readied, see `home_preflight.ts`)
 * first, and an error from the operating system comes out as a `CaoError` that says what cao tried, on which
 * path, and what to do, never as "a bug in cao".
 */

import { osCaoError } from "../fs/os_error.ts";
import type { CommandContext, RunOptions } from "./context.ts";
import { prepareHome } from "./home_preflight.ts";

/** Runs `body` after the home preflight (unless `how.preflight` is false), mapping OS errors to user errors. */
export async function runCommandBody(
  ctx: CommandContext,
  body: (ctx: CommandContext) => Promise<number>,
  how: RunOptions = {},
): Promise<number> {
  try {
    if (how.preflight !== false) await prepareHome(ctx);
    return await body(ctx);
  } catch (error) {
    throw osCaoError(error, ctx.home.paths.root) ?? error;
  }
}
