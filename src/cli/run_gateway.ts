/**
 * @module
 * `cao run --gateway [--gateway-url <url>] [-- <codex args>]`: run Codex once, through the gateway, with the
 * terminal handed over. The gateway does the account switching, so Codex is never relaunched. It runs with
 * the user's own CODEX_HOME (config, history, sessions: `-- exec resume --last` continues the last
 * conversation), routed with `-c openai_base_url=<gateway>/k/<run key>`, and its own token refreshes go to the
 * gateway, so it never spends a refresh token the pool owns. The key on Codex's command line (which every
 * local user can read) is a per-run key that works only while this `cao run` lives, never the gateway key. A local gateway is started (detached) when none
 * answers; `--gateway-url` names one and never starts anything.
 */

import { parseCodexArgs } from "../codex/codex_args.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import { ensureGatewayRunning, gatewayCodexArgs, gatewayCodexEnv, leaseRunKey } from "../gateway/client.ts";
import { startDetachedGateway } from "../gateway/detached.ts";
import { detachedGatewayExtras } from "./notify_wiring.ts";
import { exitCodeOf } from "../codex/run_outcome.ts";
import { spawnCodex } from "../codex/spawn.ts";
import { CaoError } from "../shared/errors.ts";
import type { CommandContext } from "./context.ts";

/** Options of `cao run --gateway`. */
export interface RunGatewayOptions {
  /** `--gateway-url`. */
  url?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function noRunKey(url: string): never {
  throw new CaoError(`Cannot get a per-run key from the gateway at ${url}: it hands out none`, {
    hint: 'it is older than this cao: restart it ("cao gateway stop", then "cao gateway start --detach")',
  });
}

/**
 * On a machine where Codex never ran, `~/.codex` does not exist yet and Codex refuses a CODEX_HOME that does
 * not exist: cao creates it the way Codex itself would (mode 0777 less the umask). A `CODEX_HOME` the user
 * set to a missing folder is the user's to create.
 */
async function ensureUserCodexHome(ctx: CommandContext): Promise<void> {
  const dir = ctx.userCodexHome;
  if (await exists(dir)) return;
  if (ctx.deps.env("CODEX_HOME")) {
    throw new CaoError(`Cannot run codex with CODEX_HOME "${dir}": it does not exist`, {
      hint: `create it with mkdir -p "${dir}", or unset CODEX_HOME to use ~/.codex`,
    });
  }
  await Deno.mkdir(dir, { recursive: true });
  ctx.out.error(`cao: created ${dir} (Codex has not run on this machine yet)`);
}

/** Runs codex through the gateway; returns codex's exit code (128+N when a signal ended it). */
export async function runCodexThroughGateway(
  ctx: CommandContext,
  codexArgs: string[],
  options: RunGatewayOptions,
): Promise<number> {
  const target = await ensureGatewayRunning({
    home: ctx.home,
    fetch: ctx.deps.fetch,
    url: options.url,
    key: ctx.deps.env("CAO_GATEWAY_KEY"),
    startDetached: async () => {
      const started = await startDetachedGateway(ctx, {}, [], await detachedGatewayExtras(ctx));
      ctx.out.error(`cao: started a gateway at ${started.url} (pid ${started.pid}); log: ${started.logFile}`);
    },
  });
  await ensureUserCodexHome(ctx);
  if (
    parseCodexArgs(codexArgs).kind === "interactive" &&
    !(await exists(codexHomePaths(ctx.userCodexHome).authFile))
  ) {
    ctx.out.error(
      `cao: ${ctx.userCodexHome} holds no Codex login; "codex exec" works through the gateway without one, but ` +
        "the interactive Codex asks you to sign in first (any ChatGPT login will do: the gateway replaces it on " +
        "every request, and renews it when it is one of your cao accounts)",
    );
  }
  await using lease = await leaseRunKey(ctx.deps.fetch, target.url, target.key) ?? noRunKey(target.url);
  const child = spawnCodex(ctx.deps.spawn, ctx.codex, {
    args: [...gatewayCodexArgs(target.url, lease.key), ...codexArgs],
    env: { CODEX_HOME: ctx.userCodexHome, ...gatewayCodexEnv(target.url, lease.key) },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  });
  // Keep cao alive while codex runs; a Ctrl-C from the terminal already reached codex (same process group).
  const terminal = ctx.deps.isTerminal().stdin;
  const removers = (["SIGINT", "SIGTERM", "SIGHUP"] as Deno.Signal[]).map((signal) =>
    ctx.deps.onSignal(signal, () => {
      if (signal === "SIGINT" && terminal) return;
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    })
  );
  try {
    const status = await child.status;
    return exitCodeOf(status);
  } finally {
    for (const remove of removers) remove();
  }
}
