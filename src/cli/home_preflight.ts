/**
 * @module
 * The check every command makes of the cao home before it runs: the home must be a directory when it exists
 * (a `CAO_HOME` that names a file is said so, once, instead of failing deep inside a command).
 */

import { CaoError } from "../shared/errors.ts";
import type { CommandContext } from "./context.ts";

/** Checks (and readies) the cao home for a command. */
export async function prepareHome(ctx: CommandContext): Promise<void> {
  const root = ctx.home.paths.root;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(root);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    if (error instanceof Deno.errors.NotADirectory) throw notADirectory(root);
    throw error;
  }
  if (!info.isDirectory) throw notADirectory(root);
}

function notADirectory(root: string): CaoError {
  return new CaoError(`Cannot use the cao home "${root}": it is a file, not a directory`, {
    hint: "point --data-dir or CAO_HOME at a directory (or move that file away)",
  });
}
