/**
 * @module
 * `cao run [options] [-- <codex args>]`: run Codex on the default account with the terminal handed over,
 * and on a usage limit continue the same conversation on the next available account (`--wait`: sleep
 * until the first reset when every account is cooling down; `--gateway`: once, through the gateway). This
 * file maps the options to {@link RunSettings}, hands them to the engine (`run/fallback_loop.ts`) and
 * prints what it reports (`run_messages.ts`).
 */

import type { Command } from "../deps/commander.ts";
import { validateAccountName } from "../accounts/account_name.ts";
import { findAccount, type Registry } from "../accounts/registry.ts";
import { DEFAULT_COOLDOWN_MS } from "../accounts/status_events.ts";
import { loadCandidates } from "../run/candidates.ts";
import { runWithFallback } from "../run/fallback_loop.ts";
import type { RunSettings } from "../run/fallback_turn.ts";
import type { RunEvent } from "../run/run_events.ts";
import { AccountNotFoundError, CaoError, UsageError } from "../shared/errors.ts";
import { type NumberRule, parseNumberFlag } from "./flags.ts";
import { processNotifier } from "./notify_wiring.ts";
import type { CommandContext, Runner } from "./context.ts";
import { runCodexThroughGateway } from "./run_gateway.ts";
import { localTokenRoute } from "../gateway/client.ts";
import { renderRunEvent, stopMessage } from "./run_messages.ts";

/** The prompt that continues a conversation on the next account. */
export const DEFAULT_RESUME_PROMPT =
  "Please continue where you left off: your previous turn was cut short by a usage limit.";

/** Default number of passes round the account list. */
export const DEFAULT_MAX_PASSES = 2;

/** Options of `cao run` as commander hands them over. */
export interface RunCommandOptions {
  account?: string;
  fallback: boolean;
  wait: boolean;
  maxPasses?: string;
  retryDelay?: string;
  defaultCooldown?: string;
  resumePrompt?: string;
}

function numberOption(name: string, raw: string | undefined, fallback: number, rule: NumberRule): number {
  return raw === undefined ? fallback : parseNumberFlag(name, raw, rule);
}

/** Validates the options against the registry; `countdown`: stdout is a terminal. */
function settingsFrom(registry: Registry, options: RunCommandOptions, countdown: boolean): RunSettings {
  let pinned: string | null = null;
  let pinnedBy: RunSettings["pinnedBy"] = null;
  if (options.account !== undefined) {
    pinned = validateAccountName(options.account);
    if (!findAccount(registry, pinned)) throw new AccountNotFoundError(pinned);
    pinnedBy = "--account";
  } else if (!options.fallback) {
    pinned = registry.defaultAccount;
    pinnedBy = "--no-fallback";
  }
  const cooldownMinutes = numberOption(
    "--default-cooldown",
    options.defaultCooldown,
    DEFAULT_COOLDOWN_MS / 60000,
    { min: 0, unit: "minutes" },
  );
  return {
    pinned,
    pinnedBy,
    wait: options.wait,
    maxPasses: numberOption("--max-passes", options.maxPasses, DEFAULT_MAX_PASSES, { integer: true, min: 1 }),
    retryDelayMs: numberOption("--retry-delay", options.retryDelay, 0, { min: 0, unit: "seconds" }) * 1000,
    defaultCooldownMs: Math.max(1000, cooldownMinutes * 60000),
    resumePrompt: options.resumePrompt ?? DEFAULT_RESUME_PROMPT,
    countdown,
  };
}

/** Prints one event of the engine on stderr. */
function renderTo(ctx: CommandContext): (event: RunEvent) => void {
  return (event) => {
    const shown = renderRunEvent(event);
    if (shown.kind === "line") ctx.out.error(shown.text);
    else if (shown.kind === "warning") ctx.out.warn(shown.text);
    else ctx.deps.stderr(shown.text);
  };
}

/** `cao run`. */
async function runCodexWithFallback(
  ctx: CommandContext,
  codexArgs: string[],
  options: RunCommandOptions,
): Promise<number> {
  const notify = processNotifier(ctx, `cao run (pid ${Deno.pid})`);
  const io = { ...ctx, notify };
  try {
    const first = await loadCandidates(io);
    if (first.registry.accounts.length === 0) {
      throw new CaoError("Cannot run codex: no accounts are registered", {
        hint: 'add one with "cao add <name>"',
      });
    }
    const settings = settingsFrom(first.registry, options, ctx.deps.isTerminal().stdout);
    // While a gateway runs, it is the one refresher of the pool's logins: Codex's own refreshes go there too.
    await using route = await localTokenRoute(ctx.home, ctx.deps.fetch);
    const runIo = route ? { ...io, codexEnv: route.env } : io;
    const end = await runWithFallback(runIo, settings, codexArgs, renderTo(ctx), first);
    if (end.kind === "exit") return end.code;
    const { message, hint } = stopMessage(end.step, end.now, end.afterRuns);
    throw new CaoError(message, { hint });
  } finally {
    await notify.flush();
  }
}

/** The first flag given that only the fallback loop uses (meaningless with --gateway), or null. Pure. */
export function fallbackFlagGiven(options: RunCommandOptions): string | null {
  const given: [string, boolean][] = [
    ["--account", options.account !== undefined],
    ["--no-fallback", options.fallback === false],
    ["--wait", options.wait === true],
    ["--max-passes", options.maxPasses !== undefined],
    ["--retry-delay", options.retryDelay !== undefined],
    ["--default-cooldown", options.defaultCooldown !== undefined],
    ["--resume-prompt", options.resumePrompt !== undefined],
  ];
  return given.find(([, on]) => on)?.[0] ?? null;
}

/** Registers `cao run`. */
export function registerRun(program: Command, run: Runner): void {
  program.command("run")
    .description(
      "run codex on the default account; on a usage limit, continue the conversation on the next account",
    )
    .argument("[codex-args...]", "arguments for codex, after --")
    .option("--account <name>", "run this account only (no fallback)")
    .option("--no-fallback", "run the default account only")
    .option("--wait", "when every account is cooling down, wait for the first reset and continue", false)
    .option("--max-passes <n>", `how many times to go round the account list (default ${DEFAULT_MAX_PASSES})`)
    .option("--retry-delay <seconds>", "pause before continuing on the next account (default 0)")
    .option("--default-cooldown <minutes>", "cooldown when the reset time is unknown (default 60)")
    .option("--resume-prompt <text>", "the message that continues the conversation on the next account")
    .option("--gateway", "run codex once through the gateway, which switches accounts per request", false)
    .option("--gateway-url <url>", "the gateway to use (implies --gateway; never starts one)")
    .action((codexArgs, options) =>
      run((ctx) => {
        if (!options.gateway && options.gatewayUrl === undefined) {
          return runCodexWithFallback(ctx, codexArgs, options);
        }
        const conflict = fallbackFlagGiven(options);
        if (conflict !== null) {
          throw new UsageError(
            `Cannot use ${conflict} with --gateway: the gateway picks the account for every request`,
            'drop one of them (see "cao run --help")',
          );
        }
        return runCodexThroughGateway(ctx, codexArgs, { url: options.gatewayUrl });
      })
    );
}
