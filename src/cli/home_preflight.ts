/**
 * @module
 * The check every command makes of the cao home before it runs: the home must be a directory when it exists
 * (a `CAO_HOME` that names a file is said so, once, instead of failing deep inside a command), and a CAO 1.4.2
 * home is migrated (`seed_migration.ts`), with one line saying what moved. A home that cannot be written is
 * read as it is: the stores convert the 1.4.2 files in memory.
 */

import { withProgress } from "./progress.ts";
import { osCaoError } from "../fs/os_error.ts";
import { CaoError } from "../shared/errors.ts";
import type { CommandContext } from "./context.ts";
import { hasSeedFiles, migrateSeedHome } from "./seed_migration.ts";

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
  if (await hasSeedFiles(ctx.home)) {
    try {
      const line = await withProgress(
        ctx.deps,
        "moving the CAO 1.4.2 files to this version's format",
        () => migrateSeedHome(ctx.home),
      );
      if (line !== null) ctx.out.error(`cao: ${line}`);
    } catch (error) {
      const text = osCaoError(error, root)?.message ??
        (error instanceof Error ? error.message : String(error));
      ctx.out.warn(
        `the CAO 1.4.2 files could not be moved to this version's format yet (${text}); read as they are`,
      );
    }
  }
}

function notADirectory(root: string): CaoError {
  return new CaoError(`Cannot use the cao home "${root}": it is a file, not a directory`, {
    hint: "point --data-dir or CAO_HOME at a directory (or move that file away)",
  });
}
