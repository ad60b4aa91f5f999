/**
 * @module
 * The engine of `cao run`: run Codex on the account the plan picks with the terminal handed over, and when
 * that account hits its usage limit, record the cooldown and continue the same conversation on the next
 * available account (after copying the session there: `codex exec resume <id> <prompt>`, or for the TUI the
 * prompt queued with `codex queue` and `codex resume <id>`). Any other failure ends the run with Codex's
 * code, never retried elsewhere. With `wait` it sleeps until the first reset when every account is cooling
 * down. Codex runs in an account home only under that home's run lock: an account another `cao run` is
 * using is passed over, and when every usable one is (or a flag pins one), codex runs there anyway but no
 * usage limit is acted on, since it may be the other run's. The decisions are pure (`fallback_plan.ts`
 * picks the step, `fallback_turn.ts` reads it and the outcome); this file acts, and tells through
 * {@link RunEvent}s. Never prints.
 */

import { tryRunLock } from "../accounts/run_lock.ts";
import { recordAttempt } from "../accounts/status_events.ts";
import {
  type CodexInvocation,
  configOptions,
  parseCodexArgs,
  picksSession,
  referencedSessionId,
  resumeArgs,
} from "../codex/codex_args.ts";
import { refreshAccountHome } from "../codex/provision.ts";
import { isAccountBoundRefusal, usageLimitResetsAt } from "../codex/rollout.ts";
import { execResumeOptions } from "../codex/codex_help.ts";
import { setThreadName, threadTitle } from "../codex/thread_name.ts";
import { stripRolloutAccountBoundContent } from "../codex/session_copies.ts";
import type { ObservedTurnEnd } from "../codex/rollout_watch.ts";
import { signalExitCode } from "../shared/exit_codes.ts";
import { superviseCodexRun, type SupervisedRun } from "../codex/run_supervisor.ts";
import { queueSessionMessage, transferSession } from "../codex/session_transfer.ts";
import type { SpawnFn } from "../codex/spawn.ts";
import {
  bringSession,
  type Candidates,
  canMoveOn,
  loadCandidates,
  planAndLock,
  recordOn,
  recordOutcome,
  type RunContext,
  SELECTION_POLICY,
  syncSessions,
} from "./candidates.ts";
import { Interrupts } from "./interrupts.ts";
import {
  fallbackAllowed,
  INITIAL_LOOP_STATE,
  nextTurn,
  planTurn,
  type RunSettings,
} from "./fallback_turn.ts";
import type { RunEnd, RunEvent, WaitStep } from "./run_events.ts";
import { endNotice, runNotice } from "./run_notices.ts";
import { restoreTerminal, saveTerminalSettings } from "./terminal.ts";

/** What `cao run` needs from the outside world. */
export interface RunIo extends RunContext {
  /** The codex command. */
  codex: string;
  /**
   * More environment for every codex cao starts in an account home: `CODEX_REFRESH_TOKEN_URL_OVERRIDE`
   * pointing at the gateway while one runs, so that the gateway stays the one refresher of the pool logins.
   */
  codexEnv?: Record<string, string>;
  deps: {
    now(): Date;
    spawn: SpawnFn;
    sleep(ms: number, abort?: AbortSignal): Promise<void>;
    onSignal(signal: Deno.Signal, handler: () => void): () => void;
    isTerminal(): { stdin: boolean; stdout: boolean };
    /** Raw writes to the terminal: only the reset sequence after a TUI that was stopped. */
    stdout(text: string): void;
  };
}

/** Sleeps until `step.until` (a tick a second with `countdown`). Returns false when interrupted. */
async function waitForReset(
  io: RunIo,
  step: WaitStep,
  interrupts: Interrupts,
  countdown: boolean,
  onEvent: (event: RunEvent) => void,
): Promise<boolean> {
  const { deps } = io;
  onEvent({ kind: "waiting", step, now: deps.now() });
  while (!interrupts.controller.signal.aborted) {
    const left = step.until.getTime() - deps.now().getTime();
    if (left <= 0) break;
    if (countdown) onEvent({ kind: "countdown", step, now: deps.now() });
    await deps.sleep(countdown ? Math.min(left, 1000) : left, interrupts.controller.signal);
  }
  if (countdown) onEvent({ kind: "countdown-over" });
  return !interrupts.controller.signal.aborted;
}

/** Runs codex for one account; the loop decides what follows. */
async function runOnAccount(
  io: RunIo,
  account: string,
  args: string[],
  invocation: CodexInvocation,
  interrupts: Interrupts,
  onLiveUsageLimit: (limit: ObservedTurnEnd) => boolean | Promise<boolean>,
): Promise<SupervisedRun> {
  const { deps } = io;
  const interactive = invocation.kind === "interactive" && deps.isTerminal().stdin;
  const terminal = interactive ? await saveTerminalSettings(deps.spawn) : null;
  const result = await superviseCodexRun({
    spawn: deps.spawn,
    codex: io.codex,
    args,
    codexHome: io.home.paths.accountDir(account),
    env: io.codexEnv,
    kind: invocation.kind,
    onSignal: interrupts.subscribe,
    sharesTerminal: deps.isTerminal().stdin,
    onLiveUsageLimit,
    onStarted: invocation.kind === "other"
      ? undefined
      : () => recordOn(io, account, (status) => recordAttempt(status, deps.now())),
    now: deps.now,
  });
  if (terminal !== null && (result.stoppedForLimit || result.exit.signal !== null)) {
    await restoreTerminal(deps.spawn, terminal, deps.stdout);
  }
  return result;
}

/**
 * Runs `codexArgs` with fallback and returns how the run ended. `first`: the candidates already loaded
 * (the caller checked there are accounts, and validated the settings against the registry).
 */
export async function runWithFallback(
  io: RunIo,
  settings: RunSettings,
  codexArgs: string[],
  onEvent: (event: RunEvent) => void,
  first: Candidates,
): Promise<RunEnd> {
  const { deps } = io;
  const invocation = parseCodexArgs(codexArgs);
  using interrupts = new Interrupts(deps);
  const tell = (event: RunEvent) => {
    onEvent(event);
    const notice = runNotice(event);
    if (notice !== null) io.notify?.emit(notice);
  };

  if (invocation.kind === "other") {
    const registry = first.registry;
    const account = settings.pinned ?? registry.defaultAccount ?? registry.accounts[0].name;
    // Held when free, so that no other cao run follows this home meanwhile; nothing here acts on limits.
    await using _lock = await tryRunLock(io.home.paths.runLock(account));
    await refreshAccountHome(io.home, account, io.userCodexHome);
    const result = await runOnAccount(io, account, codexArgs, invocation, interrupts, () => false);
    return { kind: "exit", code: result.outcome.exitCode };
  }

  let state = INITIAL_LOOP_STATE;
  let execOptions: Promise<ReadonlySet<string> | null> | undefined;
  let loaded: Candidates | null = first;
  const exit = (code: number): RunEnd => ({ kind: "exit", code });
  const emit = (events: RunEvent[]) => events.forEach(tell);

  for (;;) {
    if (interrupts.received !== null) return exit(signalExitCode(interrupts.received));
    const { registry, candidates } = loaded ?? await loadCandidates(io);
    loaded = null;
    const now = deps.now();
    const locked = await planAndLock(io, {
      candidates,
      policy: SELECTION_POLICY,
      now,
      pinned: settings.pinned,
      wait: settings.wait,
      maxPasses: settings.maxPasses,
      pass: state.pass,
      tried: new Set(state.tried),
    });
    // Released when this turn of the loop ends: after codex exited, or on any way out before.
    await using _lock = locked.lock;
    const view = { defaultAccount: registry.defaultAccount, candidates, passedOver: locked.passedOver, now };
    const turn = planTurn(state, locked.step, view, settings);
    if (turn.kind === "stop") {
      emit(turn.events);
      const notice = endNotice(turn.end);
      if (notice !== null) io.notify?.emit(notice);
      return turn.end;
    }
    state = turn.state;
    const { session } = state;
    if (turn.kind === "wait") {
      emit(turn.events);
      if (!(await waitForReset(io, turn.step, interrupts, settings.countdown, tell))) {
        return exit(signalExitCode(interrupts.received ?? "SIGINT"));
      }
      continue;
    }

    const { step } = turn;
    const account = step.account;
    const accountDir = io.home.paths.accountDir(account);
    if (session !== null && settings.retryDelayMs > 0) {
      await deps.sleep(settings.retryDelayMs, interrupts.controller.signal);
      if (interrupts.received !== null) return exit(signalExitCode(interrupts.received));
    }
    emit(turn.events);

    await refreshAccountHome(io.home, account, io.userCodexHome);
    /** The arguments that continue `session` here, its message queued for the TUI. */
    const resumeHere = async (id: string): Promise<string[]> => {
      const queued = invocation.kind === "interactive" &&
        await queueSessionMessage(deps.spawn, io.codex, accountDir, id, settings.resumePrompt, io.codexEnv);
      // Every option this codex's `exec resume` takes is kept (0.171 added some), from its own --help.
      execOptions ??= invocation.kind === "exec"
        ? execResumeOptions(deps.spawn, io.codex, io.codexEnv ?? {})
        : Promise.resolve(null);
      const options = await execOptions ?? undefined;
      return resumeArgs(invocation, id, queued ? null : settings.resumePrompt, options) ?? codexArgs;
    };
    let args = codexArgs;
    if (session !== null) {
      const from = io.home.paths.accountDir(session.account);
      await transferSession(from, session.rolloutPath, accountDir);
      if (invocation.kind === "interactive") {
        // Codex 0.171's TUI would take cao's resume prompt as the title of a copy that carries none.
        const title = await threadTitle(from, session.id, session.rolloutPath);
        if (title !== null) {
          await setThreadName(
            deps.spawn,
            io.codex,
            accountDir,
            session.id,
            title,
            io.codexEnv,
            configOptions(invocation),
          );
        }
      }
      args = await resumeHere(session.id);
    } else if (state.runs === 0) {
      // Whichever account runs a conversation continues its newest copy (`resume --last` and the picker too).
      await syncSessions(io, registry, accountDir, picksSession(invocation));
      const named = referencedSessionId(invocation);
      if (named !== null) await bringSession(io, registry, named, accountDir);
    }

    const tried = new Set(state.tried);
    let stripped = false;
    const run = (runArgs: string[]) =>
      runOnAccount(io, account, runArgs, invocation, interrupts, async (limit) => {
        if (isAccountBoundRefusal(limit.end)) return session !== null && !stripped;
        if (!fallbackAllowed(step, settings)) return false;
        const fresh = await loadCandidates(io);
        const until = usageLimitResetsAt(limit.end, deps.now()) ??
          new Date(deps.now().getTime() + settings.defaultCooldownMs);
        return canMoveOn(fresh.candidates, account, until, settings, tried, state.pass, deps.now());
      });
    let result = await run(args);
    if (result.outcome.kind === "account-bound" && session !== null && !stripped) {
      // This account refused the encrypted reasoning the last one minted: once more, without those items.
      stripped = true;
      await stripRolloutAccountBoundContent(result.outcome.rolloutPath);
      onEvent({ kind: "stripped", account, from: session.account });
      result = await run(await resumeHere(session.id));
    }
    const hit = await recordOutcome(io, account, result.outcome, settings);
    const next = nextTurn(state, step, result.outcome, hit, settings, deps.now());
    emit(next.events);
    if (next.kind === "exit") return exit(next.code);
    state = next.state;
  }
}
