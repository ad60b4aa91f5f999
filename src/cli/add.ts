/**
 * @module
 * `cao add <name>`: create the account home and config, register it, then hand the terminal to
 * `codex login` and check that a real login landed. Re-adding an existing name logs it in again and keeps
 * its status.
 */

import { validateAccountName } from "../accounts/account_name.ts";
import { moveAside } from "../fs/json_file.ts";
import { statusOf, updateStatusFile } from "../accounts/status_store.ts";
import { collectAccountSummaries } from "../codex/account_summary.ts";
import { readAuthFile, summarizeAuth } from "../codex/auth_file.ts";
import { runCodexLogin } from "../codex/login.ts";
import { provisionAccount } from "../codex/provision.ts";
import type { Command } from "../deps/commander.ts";
import { CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";
import { describeLogin } from "./login_text.ts";

/** Options of `cao add`. */
export interface AddOptions {
  login: boolean;
  deviceAuth: boolean;
}

/** Adds (or re-logs in) an account. */
export async function addAccount(ctx: CommandContext, rawName: string, options: AddOptions): Promise<number> {
  const name = validateAccountName(rawName);
  if (!options.login && options.deviceAuth) {
    throw new UsageError(
      "Cannot combine --no-login and --device-auth",
      `log in with a device code: "cao add ${name} --device-auth"`,
    );
  }
  const { home, out } = ctx;
  const result = await provisionAccount(home, name, ctx.userCodexHome);
  const where = home.paths.accountDir(name);
  out.line(
    result.added
      ? `Added account ${out.color.bold(name)}${result.isDefault ? " (default)" : ""} at ${where}`
      : `Account ${out.color.bold(name)} exists; its status is kept`,
  );
  const authPath = home.paths.authFile(name);
  const existing = await readAuthFile(authPath);
  if (!options.login) {
    const current = summarizeAuth(existing);
    out.line(
      current.state === "logged-in"
        ? `Logged in as ${describeLogin(current)}; config synced (run "cao add ${name}" to log in again).`
        : `Not logged in yet: run "cao add ${name}" to log in.`,
    );
    return ExitCode.ok;
  }

  if (existing.kind === "unreadable") {
    const movedTo = await moveAside(authPath, home.now());
    out.warn(`the old auth.json could not be read (${existing.reason}); moved to "${movedTo}"`);
  }

  out.line(`Starting "codex login${options.deviceAuth ? " --device-auth" : ""}" for ${name}…`);
  const outcome = await runCodexLogin(ctx.deps.spawn, {
    codex: ctx.codex,
    accountDir: where,
    deviceAuth: options.deviceAuth,
  });
  if (outcome.kind === "failed") {
    throw new CaoError(
      `Cannot log in account "${name}": codex login ${
        outcome.exitCode === 0
          ? `left no ChatGPT tokens in auth.json (${outcome.login.problem})`
          : `exited with code ${outcome.exitCode}`
      }`,
      {
        hint: `run "cao add ${name}" again${
          options.deviceAuth
            ? ""
            : `, or "cao add ${name} --device-auth" where no browser can reach this machine`
        }`,
      },
    );
  }
  await updateStatusFile(home, (file) => {
    const status = statusOf(file, name);
    status.needsRelogin = false;
    status.needsReloginReason = null;
  });
  out.line(`${out.color.green("Logged in")} ${name}: ${describeLogin(outcome.login)}`);
  const summary = (await collectAccountSummaries(home)).find((s) => s.name === name);
  if (summary && summary.duplicateOf.length > 0) {
    out.warn(
      `account "${name}" is the same ChatGPT login as ${
        summary.duplicateOf.map((n) => `"${n}"`).join(", ")
      }; ` +
        `both would share one usage limit (remove one with "cao remove <name>")`,
    );
  }
  return ExitCode.ok;
}

/** Registers `cao add`. */
export function registerAdd(program: Command, run: Runner): void {
  program.command("add")
    .description("add an account (or log an existing one in again) and run codex login for it")
    .argument("<name>", "account name: letters, digits, . _ - @ (an email works)")
    .option("--no-login", "create and register the account without logging in")
    .option("--device-auth", "log in with a device code (for machines without a browser)", false)
    .action((name, options) =>
      run((ctx) => addAccount(ctx, name, { login: options.login, deviceAuth: options.deviceAuth }))
    );
}
