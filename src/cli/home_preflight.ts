/**
 * @module
 * The check every command makes of the cao home before it runs: the home must be a directory when it exists
 * (a `CAO_HOME` that names a file is said so, once, instead of failing deep inside a command), and a CAO 1.4.2
 * home is migrated (`seed_migration.ts`), with one line saying what moved. A home that cannot be written is
 * read as it is: the stores convert the 1.4.2 files in memory. What a killed command left is finished here
 * too: its journaled change (`accounts/pending_change.ts`) and the temp files of its writes.
 */

import { withProgress } from "./progress.ts";
import { osCaoError } from "../fs/os_error.ts";
import { loadRegistry, settlePendingChange } from "../accounts/registry.ts";
import { removeStaleTemps } from "../fs/stale_temps.ts";
import { pathExists } from "../fs/file_probe.ts";
import { readAhead } from "../fs/read_ahead.ts";
import { journalPath } from "../accounts/pending_change.ts";
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
  await settleInterruptedWork(ctx);
  if (await hasSeedFiles(ctx.home)) {
    try {
      const { migrateSeedHome } = await import("./seed_migration.ts"); // loaded only for a 1.4.2 home
      const line = await withProgress(
        ctx.deps,
        "moving the CAO 1.4.2 files to this version's format",
        () => migrateSeedHome(ctx.home),
      );
      if (line !== null) ctx.out.error(`cao: ${line}`);
    } catch (error) {
      ctx.out.warn(
        `the CAO 1.4.2 files could not be moved to this version's format yet (${errorText(error, root)}); ` +
          "read as they are",
      );
    }
  }
}

/**
 * Finishes what a killed command left: a journaled change (completed or rolled back, and said so) and the
 * temp files of its atomic writes. A home this user cannot write is left as it is (readers cope).
 */
async function settleInterruptedWork(ctx: CommandContext): Promise<void> {
  const home = ctx.home;
  const interrupted = await pathExists(journalPath(home));
  try {
    if (interrupted) await settlePendingChange(home);
  } catch (error) {
    ctx.out.warn(`an interrupted change could not be finished yet (${errorText(error, home.paths.root)})`);
  }
  if (await removeStaleTemps(home.paths.root, home.now()) > 0 || interrupted) {
    for (const account of (await loadRegistry(home).catch(() => null))?.accounts ?? []) {
      await removeStaleTemps(home.paths.accountDir(account.name), home.now());
    }
  }
}

/**
 * Whether any file of the home looks like CAO 1.4.2's (cheap: a text search, no parse). The texts are read
 * ahead: the command's own first read of each takes it instead of reading the file again (`read_ahead.ts`).
 */
async function hasSeedFiles(home: CommandContext["home"]): Promise<boolean> {
  const { registry, status, gatewaySettings } = home.paths;
  const texts = await Promise.all([registry, status, gatewaySettings].map(readAhead));
  return texts.some((text) =>
    text !== null && !text.includes('"schemaVersion"') && text.trim().startsWith("{")
  );
}

/** An error in words for a warning line: the OS error said as cao says it, else its message. */
function errorText(error: unknown, root: string): string {
  return osCaoError(error, root)?.message ?? (error instanceof Error ? error.message : String(error));
}

function notADirectory(root: string): CaoError {
  return new CaoError(`Cannot use the cao home "${root}": it is a file, not a directory`, {
    hint: "point --data-dir or CAO_HOME at a directory (or move that file away)",
  });
}
