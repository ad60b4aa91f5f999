/**
 * @module
 * `cao run [options] [-- <codex args>]`: run Codex on the default account with the terminal handed over,
 * and when that account hits its usage limit, record the cooldown and continue the same conversation on
 * the next available account (after copying the session there: `codex exec resume <id> <prompt>`, or for
 * the TUI the prompt queued with `codex queue` and `codex resume <id>`). Any other failure is passed through
 * untouched, never retried elsewhere. `--wait` sleeps until
 * the first reset when every account is cooling down. Codex runs in an account home only under that home's
 * run lock: an account another `cao run` is using is passed over, and when every usable one is (or
 * `--account` names one), codex runs there anyway but no usage limit is acted on, since it may be the other
 * run's. The decisions are pure (`fallback_plan.ts`, `run_outcome.ts`, `codex_args.ts`); this file does the
 * I/O and the talking.
 */

import type { Command } from "../deps/commander.ts";
import { validateAccountName } from "../accounts/account_name.ts";
import { findAccount, type Registry } from "../accounts/registry.ts";
import { tryRunLock } from "../accounts/run_lock.ts";
import { accountAvailability } from "../accounts/selection.ts";
import { DEFAULT_COOLDOWN_MS, recordAttempt } from "../accounts/status_events.ts";
import {
  type CodexInvocation,
  parseCodexArgs,
  referencedSessionId,
  resumeArgs,
} from "../codex/codex_args.ts";
import { refreshAccountHome } from "../codex/provision.ts";
import { usageLimitResetsAt } from "../codex/rollout.ts";
import type { ObservedTurnEnd } from "../codex/rollout_watch.ts";
import { signalExitCode } from "../codex/run_outcome.ts";
import { superviseCodexRun, type SupervisedRun } from "../codex/run_supervisor.ts";
import { queueSessionMessage, transferSession } from "../codex/session_transfer.ts";
import { AccountNotFoundError, CaoError, ExitCode, UsageError } from "../shared/errors.ts";
import type { CommandContext, Runner } from "./context.ts";
import { runCodexThroughGateway } from "./run_gateway.ts";
import {
  bringSession,
  canMoveOn,
  type LimitHit,
  loadCandidates,
  planAndLock,
  recordOn,
  recordOutcome,
  SELECTION_POLICY,
} from "../run/candidates.ts";
import {
  busyLine,
  countdownText,
  describeLimit,
  formatWhen,
  sharedLine,
  startLine,
  stopMessage,
  switchLine,
  waitLine,
} from "./run_messages.ts";
import type { PlanStep } from "../run/fallback_plan.ts";
import { Interrupts } from "../run/interrupts.ts";
import { restoreTerminal, saveTerminalSettings } from "../run/terminal.ts";

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

/** Validated settings of one `cao run`. */
interface RunSettings {
  pinned: string | null;
  pinnedBy: "--account" | "--no-fallback" | null;
  wait: boolean;
  maxPasses: number;
  retryDelayMs: number;
  defaultCooldownMs: number;
  resumePrompt: string;
}

function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  integer = false,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new UsageError(
      `Cannot use ${name} "${raw}": expected ${integer ? "a whole number" : "a number"} of at least ${min}`,
    );
  }
  return value;
}

function settingsFrom(registry: Registry, options: RunCommandOptions): RunSettings {
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
    0,
  );
  return {
    pinned,
    pinnedBy,
    wait: options.wait,
    maxPasses: numberOption("--max-passes", options.maxPasses, DEFAULT_MAX_PASSES, 1, true),
    retryDelayMs: numberOption("--retry-delay", options.retryDelay, 0, 0) * 1000,
    defaultCooldownMs: Math.max(1000, cooldownMinutes * 60000),
    resumePrompt: options.resumePrompt ?? DEFAULT_RESUME_PROMPT,
  };
}

/** Sleeps until `step.until`, with a countdown on a terminal. Returns false when interrupted. */
export async function waitForReset(
  ctx: CommandContext,
  step: Extract<PlanStep, { kind: "wait" }>,
  interrupts: Interrupts,
): Promise<boolean> {
  const { deps } = ctx;
  ctx.out.error(waitLine(step, deps.now()));
  const countdown = deps.isTerminal().stdout;
  while (!interrupts.controller.signal.aborted) {
    const left = step.until.getTime() - deps.now().getTime();
    if (left <= 0) break;
    if (countdown) deps.stderr(`\r${countdownText(step, deps.now())}\x1b[K`);
    await deps.sleep(countdown ? Math.min(left, 1000) : left, interrupts.controller.signal);
  }
  if (countdown) deps.stderr("\r\x1b[K");
  return !interrupts.controller.signal.aborted;
}

/** Runs codex for one account; the rest of the loop decides what follows. */
async function runOnAccount(
  ctx: CommandContext,
  account: string,
  args: string[],
  invocation: CodexInvocation,
  interrupts: Interrupts,
  onLiveUsageLimit: (limit: ObservedTurnEnd) => boolean | Promise<boolean>,
): Promise<SupervisedRun> {
  const { deps } = ctx;
  const codexHome = ctx.home.paths.accountDir(account);
  const interactive = invocation.kind === "interactive" && deps.isTerminal().stdin;
  const terminal = interactive ? await saveTerminalSettings(deps.spawn) : null;
  const result = await superviseCodexRun({
    spawn: deps.spawn,
    codex: ctx.codex,
    args,
    codexHome,
    kind: invocation.kind,
    onSignal: interrupts.subscribe,
    sharesTerminal: deps.isTerminal().stdin,
    onLiveUsageLimit,
    onStarted: invocation.kind === "other"
      ? undefined
      : () => recordOn(ctx, account, (status) => recordAttempt(status, deps.now())),
    now: deps.now,
  });
  if (terminal !== null && (result.stoppedForLimit || result.exit.signal !== null)) {
    await restoreTerminal(deps.spawn, terminal, deps.stdout);
  }
  return result;
}

/** `cao run`. */
export async function runCodexWithFallback(
  ctx: CommandContext,
  codexArgs: string[],
  options: RunCommandOptions,
): Promise<number> {
  const { deps, out } = ctx;
  const invocation = parseCodexArgs(codexArgs);
  const first = await loadCandidates(ctx);
  if (first.registry.accounts.length === 0) {
    throw new CaoError("Cannot run codex: no accounts are registered", {
      hint: 'add one with "cao add <name>"',
    });
  }
  const settings = settingsFrom(first.registry, options);
  using interrupts = new Interrupts(deps);

  if (invocation.kind === "other") {
    const account = settings.pinned ?? first.registry.defaultAccount ?? first.registry.accounts[0].name;
    // Held when free, so that no other cao run follows this home meanwhile; nothing here acts on limits.
    await using _lock = await tryRunLock(ctx.home.paths.runLock(account));
    await refreshAccountHome(ctx.home, account, ctx.userCodexHome);
    const result = await runOnAccount(ctx, account, codexArgs, invocation, interrupts, () => false);
    return result.outcome.exitCode;
  }

  let pass = 1;
  const tried = new Set<string>();
  let session: { id: string; rolloutPath: string; codexHome: string } | null = null;
  let lastHit: LimitHit | null = null;
  let runs = 0;
  let loaded: Awaited<ReturnType<typeof loadCandidates>> | null = first;

  for (;;) {
    if (interrupts.received !== null) return signalExitCode(interrupts.received);
    const { registry, candidates } = loaded ?? await loadCandidates(ctx);
    loaded = null;
    const now = deps.now();
    const locked = await planAndLock(ctx, {
      candidates,
      policy: SELECTION_POLICY,
      now,
      pinned: settings.pinned,
      wait: settings.wait,
      maxPasses: settings.maxPasses,
      pass,
      tried,
    });
    // Released when this turn of the loop ends: after codex exited, or on any way out before.
    await using _lock = locked.lock;
    const step = locked.step;
    if (step.kind === "stop") {
      if (lastHit !== null) out.error(`cao: ${describeLimit(lastHit, now)}`);
      const { message, hint } = stopMessage(step, now, runs > 0);
      throw new CaoError(message, { hint });
    }
    if (step.pass !== pass) {
      pass = step.pass;
      tried.clear();
    }
    if (step.kind === "wait") {
      if (lastHit !== null) out.error(`cao: ${describeLimit(lastHit, now)}`);
      lastHit = null;
      if (!(await waitForReset(ctx, step, interrupts))) {
        return signalExitCode(interrupts.received ?? "SIGINT");
      }
      continue;
    }

    const account = step.account;
    const accountDir = ctx.home.paths.accountDir(account);
    const defaultBusy = registry.defaultAccount !== null &&
      locked.passedOver.includes(registry.defaultAccount);
    if (session !== null && settings.retryDelayMs > 0) {
      await deps.sleep(settings.retryDelayMs, interrupts.controller.signal);
      if (interrupts.received !== null) return signalExitCode(interrupts.received);
    }
    if (lastHit !== null) out.error(switchLine(lastHit, account, true, now));
    else if (session !== null) out.error(`cao: continuing the conversation on "${account}"`);
    else if (
      runs === 0 && registry.defaultAccount !== null && account !== registry.defaultAccount && !defaultBusy
    ) {
      const fallbackFrom = candidates.find((c) => c.name === registry.defaultAccount);
      const availability = fallbackFrom
        ? accountAvailability(fallbackFrom, SELECTION_POLICY, now)
        : undefined;
      out.error(startLine(registry.defaultAccount, availability, account, now));
    }
    if (step.busy) out.error(sharedLine(account, settings.pinnedBy));
    else if (locked.passedOver.length > 0) out.error(busyLine(locked.passedOver, account));
    lastHit = null;
    if (step.coolingUntil !== null) {
      out.warn(
        `"${account}" is cooling down until ${formatWhen(step.coolingUntil, now)}; running it anyway as ` +
          `${settings.pinnedBy} asks`,
      );
    }

    await refreshAccountHome(ctx.home, account, ctx.userCodexHome);
    let args = codexArgs;
    if (session !== null) {
      await transferSession(session.codexHome, session.rolloutPath, accountDir);
      const queued = invocation.kind === "interactive" &&
        await queueSessionMessage(deps.spawn, ctx.codex, accountDir, session.id, settings.resumePrompt);
      args = resumeArgs(invocation, session.id, queued ? null : settings.resumePrompt) ?? codexArgs;
    } else if (runs === 0) {
      const named = referencedSessionId(invocation);
      if (named !== null) await bringSession(ctx, registry, named, accountDir);
    }

    runs += 1;
    // On a busy account the limits seen may be the other run's: never stop codex or move on for them.
    const fallbackAllowed = settings.pinned === null && !step.busy;
    const result = await runOnAccount(ctx, account, args, invocation, interrupts, async (limit) => {
      if (!fallbackAllowed) return false;
      const fresh = await loadCandidates(ctx);
      const until = usageLimitResetsAt(limit.end, deps.now()) ??
        new Date(deps.now().getTime() + settings.defaultCooldownMs);
      return canMoveOn(fresh.candidates, account, until, settings, tried, pass, deps.now());
    });
    const outcome = result.outcome;
    const hit = await recordOutcome(ctx, account, outcome, settings);

    switch (outcome.kind) {
      case "success":
      case "interrupted":
        return outcome.exitCode;
      case "failed":
        out.error(
          `cao: codex failed on "${account}" (${outcome.message}); only usage limits move the work to ` +
            `another account`,
        );
        return outcome.exitCode;
      case "usage-limit":
        tried.add(account);
        session = { id: outcome.sessionId, rolloutPath: outcome.rolloutPath, codexHome: accountDir };
        lastHit = hit;
        if (!fallbackAllowed && hit !== null) {
          const why = step.busy ? "another cao run is using it" : settings.pinnedBy;
          out.error(`cao: ${describeLimit(hit, deps.now())}; not continuing on another account (${why})`);
          if (step.busy) return outcome.exitCode;
          return outcome.exitCode === 0 ? ExitCode.failure : outcome.exitCode;
        }
        break;
    }
  }
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
        const conflict = options.account !== undefined ? "--account" : options.wait ? "--wait" : null;
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
