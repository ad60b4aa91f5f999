/**
 * @module
 * `cao import codex-auth` (both codex-auth layouts) and `cao import codex` (the current ~/.codex/auth.json).
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { setDefaultAccount } from "../accounts/lifecycle.ts";
import { findAccount, loadRegistry } from "../accounts/registry.ts";
import { chooseImportDefault, type ImportDefault, readActiveHints } from "../codex/import_default.ts";
import { readAuthFile, summarizeAuth } from "../codex/auth_file.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import {
  adoptCandidates,
  findImportCandidates,
  type ImportCandidate,
  type ImportOutcome,
  toAccountName,
} from "../codex/import_auth.ts";
import type { Command } from "../deps/commander.ts";
import { CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";

/**
 * `schemaVersion` of `cao import … --json`: `{ schemaVersion, outcomes: [{ file, name, result, reason }],
 * defaultAccount: { name, reason } | null }`.
 */
export const IMPORT_JSON_SCHEMA_VERSION = 1;

/** Options of `cao import codex-auth`. */
export interface ImportCodexAuthOptions {
  source?: string;
  overwrite: boolean;
  current?: string;
  default?: string;
  json: boolean;
}

async function currentAuthCandidate(ctx: CommandContext, name: string | undefined): Promise<ImportCandidate> {
  const file = codexHomePaths(ctx.userCodexHome).authFile;
  const read = await readAuthFile(file);
  if (read.kind === "missing") {
    throw new CaoError(`Cannot import "${file}": it does not exist`, {
      hint: 'log in with plain "codex login" first, or use "cao add <name>"',
    });
  }
  const login = summarizeAuth(read);
  const auth = read.kind === "ok" ? read.auth : null;
  const chosen = name ?? toAccountName(login.email ?? "") ?? "default";
  return {
    file,
    name: validateAccountName(chosen),
    auth,
    problem: read.kind === "ok" ? login.problem : read.reason,
  };
}

function report(
  ctx: CommandContext,
  outcomes: ImportOutcome[],
  json: boolean,
  defaultAccount: ImportDefault | null = null,
): void {
  if (json) {
    ctx.out.json({ schemaVersion: IMPORT_JSON_SCHEMA_VERSION, outcomes, defaultAccount });
    return;
  }
  for (const o of outcomes) {
    const label = o.result === "imported" || o.result === "replaced"
      ? ctx.out.color.green(o.result)
      : ctx.out.color.yellow(o.result);
    ctx.out.line(`${label.padEnd(8)}  ${o.name}  ${o.file}${o.reason ? `  (${o.reason})` : ""}`);
  }
  const count = (r: string) => outcomes.filter((o) => o.result === r).length;
  ctx.out.line(
    `${count("imported") + count("replaced")} imported, ${count("skipped")} skipped, ${
      count("invalid")
    } invalid`,
  );
}

function warnSharedOwner(ctx: CommandContext, outcomes: ImportOutcome[], currentFile: string): void {
  for (
    const o of outcomes.filter((o) =>
      o.file === currentFile && (o.result === "imported" || o.result === "replaced")
    )
  ) {
    ctx.out.warn(
      `"${o.name}" now shares its refresh token with ${currentFile}; refresh tokens are single-use, so when plain ` +
        `codex refreshes it one copy stops working. Run "cao add ${o.name}" to give cao a login of its own.`,
    );
  }
}

/** Imports codex-auth snapshots. */
export async function importCodexAuth(ctx: CommandContext, options: ImportCodexAuthOptions): Promise<number> {
  const source = options.source ?? codexHomePaths(ctx.userCodexHome).codexAuthSnapshots;
  let candidates: ImportCandidate[];
  try {
    candidates = await findImportCandidates(source);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CaoError(`Cannot import from "${source}": the directory does not exist`, {
        hint: "pass the codex-auth accounts directory with --source <dir>",
      });
    }
    if (error instanceof Deno.errors.NotADirectory) {
      throw new CaoError(`Cannot import from "${source}": it is a file, not a directory`, {
        hint: "pass the codex-auth accounts directory with --source <dir>",
      });
    }
    throw error;
  }
  if (options.current !== undefined) validateAccountName(options.current);
  if (options.default !== undefined) validateAccountName(options.default);
  const outcomes = await adoptCandidates(ctx.home, candidates, {
    overwrite: options.overwrite,
    userCodexHome: ctx.userCodexHome,
  });
  const hints = await readActiveHints(source, codexHomePaths(ctx.userCodexHome).authFile);
  const chosen = chooseImportDefault(options, hints, candidates);
  let defaultAccount: ImportDefault | null = null;
  if (chosen !== null) {
    if (findAccount(await loadRegistry(ctx.home), chosen.name)) {
      await setDefaultAccount(ctx.home, chosen.name);
      defaultAccount = chosen;
    } else {
      ctx.out.warn(`Cannot make "${chosen.name}" (${chosen.reason}) the default: no account has that name`);
    }
  }
  report(ctx, outcomes, options.json, defaultAccount);
  if (!options.json && defaultAccount !== null) {
    ctx.out.line(`Default account: ${defaultAccount.name} (${defaultAccount.reason})`);
  }
  return outcomes.some((o) => o.result === "invalid") ? ExitCode.failure : ExitCode.ok;
}

/** Imports the current ~/.codex/auth.json. */
export async function importCodex(
  ctx: CommandContext,
  options: { name?: string; overwrite: boolean; json: boolean },
): Promise<number> {
  if (options.name !== undefined) validateAccountName(options.name);
  const candidate = await currentAuthCandidate(ctx, options.name);
  const outcomes = await adoptCandidates(ctx.home, [candidate], {
    overwrite: options.overwrite,
    userCodexHome: ctx.userCodexHome,
  });
  report(ctx, outcomes, options.json);
  warnSharedOwner(ctx, outcomes, candidate.file);
  return outcomes[0].result === "invalid" ? ExitCode.failure : ExitCode.ok;
}

/** Registers `cao import`. */
export function registerImport(program: Command, run: Runner): void {
  const command = program.command("import").description(
    "adopt logins saved by other tools or by plain codex",
  );
  command.command("codex-auth")
    .description(
      "import codex-auth snapshots (~/.codex/accounts/<name>.json or <key>.auth.json + registry.json)",
    )
    .option("--source <dir>", "the accounts directory (default: ~/.codex/accounts)")
    .option("--overwrite", "replace the login of accounts that exist", false)
    .option("--current <name>", "the account active in codex-auth: it becomes the default (unless --default)")
    .option("--default <name>", "make this account the default afterwards (else marker files decide)")
    .option("--json", "print JSON", false)
    .action((options) => run((ctx) => importCodexAuth(ctx, options)));
  command.command("codex")
    .description("import the current ~/.codex/auth.json (named after its email unless --name)")
    .option("--name <name>", "account name")
    .option("--overwrite", "replace the login if the account exists", false)
    .option("--json", "print JSON", false)
    .action((options) => run((ctx) => importCodex(ctx, options)));
  command.action(() => {
    throw new UsageError("Cannot import: say what from", 'run "cao import codex-auth" or "cao import codex"');
  });
}
