/**
 * @module
 * Runs codex once in one account home with the terminal handed over (stdin, stdout and stderr inherited,
 * so its TUI works exactly as when run directly), forwards the signals cao receives (but not a SIGINT when
 * codex shares cao's terminal: Ctrl-C already reached it), follows the session files codex writes, and
 * reports how the run ended ({@link RunOutcome}).
 *
 * `codex exec` ends by itself on a usage limit, so its rollouts are read after it exits. The interactive
 * TUI stays open after a limit (CODEX_FACTS §2.2), so its rollouts are followed while it runs; when a limit
 * appears and the caller wants to move on, codex is stopped (SIGTERM, then SIGKILL after a grace period).
 * The TUI does not restore the terminal when signalled: restoring it is the caller's job. Nothing here
 * prints.
 */

import { sleep } from "../shared/wait.ts";
import type { CodexRunKind } from "./codex_args.ts";
import { isAccountBoundRefusal, isUsageLimit } from "./rollout.ts";
import { type ObservedTurnEnd, RolloutWatcher } from "./rollout_watch.ts";
import { classifyRun, type RunOutcome } from "./run_outcome.ts";
import { type ExitStatus, spawnCodex, type SpawnedProcess, type SpawnFn } from "./spawn.ts";

/** Subscribes a listener to the signals cao receives; returns the unsubscribe function. */
export type SignalSubscription = (listener: (signal: Deno.Signal) => void) => () => void;

/** Options for {@link superviseCodexRun}. */
export interface SuperviseOptions {
  spawn: SpawnFn;
  /** The codex command. */
  codex: string;
  /** Its arguments. */
  args: string[];
  /** The account home, passed as CODEX_HOME. */
  codexHome: string;
  /** More environment for codex (e.g. `CODEX_REFRESH_TOKEN_URL_OVERRIDE` routing its refreshes to the gateway). */
  env?: Record<string, string>;
  /** What kind of run the arguments make (`other` runs are not followed). */
  kind: CodexRunKind;
  /** Where cao's own signals come from; each one is recorded and forwarded to codex (see `sharesTerminal`). */
  onSignal: SignalSubscription;
  /**
   * True when stdin is a terminal, so codex runs in cao's foreground process group: the terminal delivers a
   * Ctrl-C's SIGINT to codex itself, and cao only records it instead of sending a second one. SIGTERM and
   * SIGHUP are forwarded either way.
   */
  sharesTerminal?: boolean;
  /**
   * Interactive runs: a usage limit, or a refusal of another account's encrypted items
   * (`isAccountBoundRefusal`), showed up while codex still runs. Resolve true to stop codex and move on,
   * false to leave it open.
   */
  onLiveUsageLimit?: (limit: ObservedTurnEnd) => boolean | Promise<boolean>;
  /** Called once codex has started (e.g. to record the attempt). */
  onStarted?: () => void | Promise<void>;
  /** The clock (for reset times read from messages). */
  now: () => Date;
  /** How often the TUI's rollouts are read (default 250 ms). */
  pollIntervalMs?: number;
  /** How long codex may take to exit after SIGTERM before it is killed (default 3 s). */
  stopGraceMs?: number;
}

/** A finished run. */
export interface SupervisedRun {
  outcome: RunOutcome;
  /** The raw exit status of codex. */
  exit: ExitStatus;
  /** True when cao stopped codex because of a usage limit. */
  stoppedForLimit: boolean;
}

function startCodex(options: SuperviseOptions): SpawnedProcess {
  return spawnCodex(options.spawn, options.codex, {
    args: options.args,
    env: { ...options.env, CODEX_HOME: options.codexHome },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  });
}

function trySignal(child: SpawnedProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch { /* already gone */ }
}

/** Runs codex once and reports how it ended. */
export async function superviseCodexRun(options: SuperviseOptions): Promise<SupervisedRun> {
  // The watcher keeps the real clock: it looks in the date folders a real codex writes to today.
  const watcher = options.kind === "other" ? null : await RolloutWatcher.start(options.codexHome);
  const child = startCodex(options);
  let interruptedBy: Deno.Signal | null = null;
  const unsubscribe = options.onSignal((signal) => {
    interruptedBy ??= signal;
    if (signal === "SIGINT" && options.sharesTerminal) return;
    trySignal(child, signal);
  });

  let exited = false;
  const gone = new AbortController();
  const status = child.status.finally(() => {
    exited = true;
    gone.abort();
  });
  const seen: { last: ObservedTurnEnd | null } = { last: null };
  let actedOn: ObservedTurnEnd | null = null;
  let stoppedForLimit = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;

  const absorb = (ends: ObservedTurnEnd[]) => {
    for (const end of ends) seen.last = end;
  };

  try {
    await options.onStarted?.();
    if (watcher !== null && options.kind === "interactive") {
      const interval = options.pollIntervalMs ?? 250;
      while (!exited) {
        await sleep(interval, gone.signal);
        if (exited) break;
        const ends = await watcher.poll();
        absorb(ends);
        const limit = ends.findLast((e) => isUsageLimit(e.end) || isAccountBoundRefusal(e.end));
        if (limit && actedOn === null && interruptedBy === null && !stoppedForLimit) {
          actedOn = limit;
          if (await (options.onLiveUsageLimit?.(limit) ?? false)) {
            stoppedForLimit = true;
            trySignal(child, "SIGTERM");
            killTimer = setTimeout(() => trySignal(child, "SIGKILL"), options.stopGraceMs ?? 3000);
          }
        }
      }
    }
    const exit = await status;
    if (watcher !== null) absorb(await watcher.poll({ full: true }));
    const final = seen.last;
    const limit = stoppedForLimit ? actedOn : final !== null && isUsageLimit(final.end) ? final : null;
    const outcome = classifyRun({
      exit,
      interruptedBy,
      limit,
      lastEnd: final,
      rateLimits: watcher?.latestRateLimits ?? null,
    }, options.now());
    return { outcome, exit, stoppedForLimit };
  } finally {
    clearTimeout(killTimer);
    unsubscribe();
    if (!exited) {
      trySignal(child, "SIGKILL");
      await status.catch(() => {});
    }
  }
}
