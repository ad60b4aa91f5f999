/**
 * @module
 * What `cao run` reads and records about accounts: the selection candidates (registry, logins, statuses,
 * with cooldowns whose reset has passed cleared on the way), the run lock of the account the next step
 * runs, the attempt and outcome of each codex run, and bringing a session the user names to the account
 * that will run it.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { type PlanInput, planNextStep, type PlanStep } from "./fallback_plan.ts";
import { loadRegistry, type Registry } from "../accounts/registry.ts";
import { type RunLock, tryRunLock } from "../accounts/run_lock.ts";
import { type SelectionCandidate, selectionCandidates, type SelectionPolicy } from "../accounts/selection.ts";
import {
  clearPassedCooldown,
  recordFailure,
  recordQuotaHit,
  recordSuccess,
  recordUsage,
} from "../accounts/status_events.ts";
import { type AccountStatus, statusOf, updateStatusFile } from "../accounts/status_store.ts";
import { collectAccountSummaries } from "../codex/account_summary.ts";
import { usageFromRateLimits, type UsageLimitReason } from "../codex/rollout.ts";
import type { RunOutcome } from "../codex/run_outcome.ts";
import { findSession, transferSession } from "../codex/session_transfer.ts";
import { sessionOwnerOf, syncSessionCopies } from "../codex/session_copies.ts";
import type { NotifySink } from "../accounts/notify_sink.ts";
import { recordUsageHistory } from "../accounts/usage_history.ts";

/** What the account logic of `cao run` needs: the cao home, the clock and the user's own Codex home. */
export interface RunContext {
  home: CaoHome;
  deps: { now(): Date };
  /** The user's own CODEX_HOME, searched for a session the user names. */
  userCodexHome: string;
  /** Where notifications go (absent: none). */
  notify?: NotifySink;
}

/** A usage limit as cao records it. */
export interface LimitHit {
  account: string;
  until: Date;
  reason: UsageLimitReason;
}

/** `cao run` has no switch threshold: accounts are used until their limit. */
export const SELECTION_POLICY: SelectionPolicy = { switchAtPercent: null };

/** The run settings the account logic needs. */
export interface FallbackSettings {
  wait: boolean;
  maxPasses: number;
  defaultCooldownMs: number;
}

/** The registry and the selection candidates built from it. */
export interface Candidates {
  registry: Registry;
  candidates: SelectionCandidate[];
}

/** Reads the registry, logins and statuses (clearing cooldowns whose reset has passed). */
export async function loadCandidates(ctx: RunContext): Promise<Candidates> {
  const registry = await loadRegistry(ctx.home);
  const now = ctx.deps.now();
  const reset: { account: string; until: number }[] = [];
  const statuses = await updateStatusFile(ctx.home, (file) => {
    for (const [account, status] of Object.entries(file.accounts)) {
      const until = clearPassedCooldown(status, now, `cao run (pid ${Deno.pid})`);
      if (until !== null) reset.push({ account, until: Math.floor(until.getTime() / 1000) });
    }
    return structuredClone(file.accounts);
  });
  for (const { account, until } of reset) {
    ctx.notify?.emit({ kind: "usable-again", account, why: "reset-passed", until });
  }
  const logins = new Map(
    (await collectAccountSummaries(ctx.home, registry)).map((s) => [s.name, s.login.state === "logged-in"]),
  );
  return {
    registry,
    candidates: selectionCandidates(registry, statuses, (name) => logins.get(name) ?? false),
  };
}

/** The next step of a run, with the run lock of the account it runs. */
export interface LockedStep {
  step: PlanStep;
  /** Held for a `run` step unless its account is busy (`step.busy`); null otherwise. The caller releases it. */
  lock: RunLock | null;
  /** The accounts found in use by another `cao run` and passed over (never the one the step runs). */
  passedOver: string[];
}

/**
 * Plans the next step and takes the run lock of the account it runs. An account whose lock another `cao run`
 * holds is marked busy and the plan made again, so the work goes to a free account; when none is free, the
 * plan runs a busy one anyway (`step.busy`), without its lock.
 */
export async function planAndLock(ctx: RunContext, input: Omit<PlanInput, "busy">): Promise<LockedStep> {
  const busy = new Set<string>();
  for (;;) {
    const step = planNextStep({ ...input, busy });
    if (step.kind !== "run") return { step, lock: null, passedOver: [...busy] };
    const lock = await tryRunLock(ctx.home.paths.runLock(step.account));
    if (lock !== null || step.busy) {
      const passedOver = [...busy].filter((name) => name !== step.account);
      return { step: lock !== null ? { ...step, busy: false } : step, lock, passedOver };
    }
    busy.add(step.account);
  }
}

export async function recordOn(
  ctx: RunContext,
  account: string,
  edit: (status: AccountStatus) => void,
): Promise<void> {
  await updateStatusFile(ctx.home, (file) => edit(statusOf(file, account)));
}

/** Records how a run ended; returns the limit hit, if it was one. */
export async function recordOutcome(
  ctx: RunContext,
  account: string,
  outcome: RunOutcome,
  settings: FallbackSettings,
): Promise<LimitHit | null> {
  const now = ctx.deps.now();
  const hit: { value: LimitHit | null } = { value: null };
  const usage = outcome.rateLimits ? usageFromRateLimits(outcome.rateLimits, now) : null;
  await recordOn(ctx, account, (status) => {
    switch (outcome.kind) {
      case "success":
        recordSuccess(status, now);
        if (usage) recordUsage(status, usage);
        break;
      case "usage-limit": {
        // A reset Codex recorded that has just passed (it is rounded to the second, and the run took a
        // moment) means "usable again now", not "unknown": keep it, a second ahead, rather than applying the
        // default cooldown.
        const resetsAt = outcome.resetsAt === null
          ? null
          : new Date(Math.max(outcome.resetsAt.getTime(), now.getTime() + 1000));
        const until = recordQuotaHit(status, now, {
          resetsAt,
          usage,
          message: outcome.message,
          defaultCooldownMs: settings.defaultCooldownMs,
          source: `cao run (pid ${Deno.pid}): the rollout of codex in "${account}"`,
        });
        hit.value = { account, until, reason: outcome.reason };
        break;
      }
      case "failed":
        recordFailure(status, now, outcome.message);
        if (usage) recordUsage(status, usage);
        break;
      case "interrupted":
        if (usage) recordUsage(status, usage);
        break;
    }
  });
  if (usage) {
    ctx.notify?.observeUsage(account, usage);
    // The history is a nicety: it never fails a run.
    await recordUsageHistory(ctx.home, [{ account, usage }]).catch(() => {});
  }
  return hit.value;
}

/** With the account marked as cooling until its reset, would the plan go on somewhere (or wait)? */
export function canMoveOn(
  candidates: SelectionCandidate[],
  account: string,
  until: Date,
  settings: FallbackSettings,
  tried: ReadonlySet<string>,
  pass: number,
  now: Date,
): boolean {
  const simulated = candidates.map((c) =>
    c.name === account ? { ...c, status: { ...c.status, cooldownUntil: until.toISOString() } } : c
  );
  const step = planNextStep({
    candidates: simulated,
    policy: SELECTION_POLICY,
    now,
    pinned: null,
    wait: settings.wait,
    maxPasses: settings.maxPasses,
    pass,
    tried: new Set([...tried, account]),
  });
  return (step.kind === "run" && step.account !== account) || step.kind === "wait";
}

/**
 * Before Codex runs in `accountDir`: every conversation it holds an older copy of gets the newest copy from
 * the other account homes and the user's own (with this home's owner, so `resume --last` sees it); with
 * `bringNewer` (a `resume --last` or the picker), the conversations written elsewhere since this home's newest
 * are copied in too.
 */
export async function syncSessions(
  ctx: RunContext,
  registry: Registry,
  accountDir: string,
  bringNewer: boolean,
): Promise<void> {
  const homes = [...registry.accounts.map((a) => ctx.home.paths.accountDir(a.name)), ctx.userCodexHome];
  await syncSessionCopies(homes, accountDir, await sessionOwnerOf(accountDir), { bringNewer });
}

/** Copies the newest copy of a session the user names (`resume <id>`) into the account's home. */
export async function bringSession(
  ctx: RunContext,
  registry: Registry,
  sessionId: string,
  accountDir: string,
): Promise<void> {
  const homes = [
    accountDir,
    ...registry.accounts.map((a) => ctx.home.paths.accountDir(a.name)),
    ctx.userCodexHome,
  ];
  const found = await findSession([...new Set(homes)], sessionId);
  if (found !== null && found.codexHome !== accountDir) {
    await transferSession(found.codexHome, found.path, accountDir);
  }
}
