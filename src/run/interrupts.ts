/**
 * @module
 * The signals `cao run` receives while it supervises codex (SIGINT, SIGTERM, SIGHUP): recorded, fanned out
 * to the running supervisor (which forwards them to codex) and turned into an abort for waits. Also the
 * wait for a reset, with a countdown on a terminal.
 */

import type { PlanStep } from "./fallback_plan.ts";
import type { SignalSubscription } from "../codex/run_supervisor.ts";
import type { CommandContext } from "../cli/context.ts";
import type { CliDeps } from "../cli/deps.ts";
import { countdownText, waitLine } from "../cli/run_messages.ts";

/** The signals cao forwards to codex, fanned out to whoever listens, plus an abort for waits. */
export class Interrupts implements Disposable {
  received: Deno.Signal | null = null;
  readonly controller = new AbortController();
  #listeners = new Set<(signal: Deno.Signal) => void>();
  #removers: (() => void)[];

  constructor(deps: CliDeps) {
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    this.#removers = signals.map((signal) => deps.onSignal(signal, () => this.#fire(signal)));
  }

  #fire(signal: Deno.Signal): void {
    this.received ??= signal;
    this.controller.abort();
    for (const listener of this.#listeners) listener(signal);
  }

  subscribe: SignalSubscription = (listener) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  [Symbol.dispose](): void {
    for (const remove of this.#removers) remove();
  }
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
