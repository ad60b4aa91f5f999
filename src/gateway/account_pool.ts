/**
 * @module
 * The gateway's hot state, in memory: the registry and every account's status (reloaded from disk now and
 * then), the conversations it serves (Codex `session-id` → account) and counters. Choosing an account is a
 * pure decision over this state through the shared policy in `accounts/selection.ts`: a conversation stays
 * on its account (prompt cache) until that account is limited or needs a login; new conversations get the
 * preferred available account. Status changes are applied here at once and handed to `onChange` to be
 * persisted later, coalesced (never a file write on the request path).
 */

import type { Registry } from "../accounts/registry.ts";
import {
  accountAvailability,
  type Availability,
  poolUnavailability,
  type SelectionCandidate,
  selectionCandidates,
  type SelectionPolicy,
  selectNextAccount,
} from "../accounts/selection.ts";
import { type AccountStatus, emptyAccountStatus, type UsageSnapshot } from "../accounts/status_store.ts";

/** One conversation the gateway has seen. */
export interface SessionState {
  /** The account serving it now. */
  account: string;
  /** Last request, epoch ms. */
  lastSeen: number;
  /** It changed account at least once: its history holds another account's encrypted items. */
  moved: boolean;
  /** The account whose answer last carried `x-codex-turn-state`, if any. */
  turnStateFrom: string | null;
}

/** The pool's choice for one attempt. */
export type Choice =
  | {
    kind: "account";
    name: string;
    /** The conversation was on another account before (strip encrypted items, drop turn state). */
    moved: boolean;
    /** The account it was on, when known. */
    previous: string | null;
    /** The account is above the switch threshold or its reserve (nothing better was available). */
    overThreshold: boolean;
  }
  | { kind: "none"; earliestReset: { name: string; at: Date } | null; reasons: Record<string, Availability> };

/** A status change: applied to the in-memory status now, and to the file later. */
export type StatusMutation = (status: AccountStatus) => void;

/** Options of the pool. */
export interface PoolOptions {
  policy: SelectionPolicy;
  now: () => Date;
  /** Whether the account has a usable login (auth.json with tokens). */
  canLogIn: (name: string) => boolean;
  /** Receives every status change for persistence (`urgent`: a cooldown or a dead login, write it soon). */
  onChange?: (name: string, mutation: StatusMutation, urgent: boolean) => void;
  /** Receives the usage windows a change recorded (for the history and notifications); must not block. */
  onUsage?: (name: string, usage: UsageSnapshot) => void;
  /** Told when an account's login is found dead, and when no account is left; must not block. */
  onAlarm?: (alarm: PoolAlarm) => void;
  /** Forget conversations idle this long (default 12 h). */
  sessionTtlMs?: number;
  /** Keep at most this many conversations (default 5000). */
  maxSessions?: number;
}

/** Something the pool notices that the user should hear about. */
export type PoolAlarm =
  | { kind: "needs-login"; account: string; reason: string }
  | { kind: "all-limited"; account: string; at: Date };

/** Per-account counters since the gateway started. */
export interface AccountCounters {
  /** Requests sent upstream on the account (each attempt, answered or refused). */
  requests: number;
  limitHits: number;
  lastUsedAt: string | null;
}

/** The in-memory pool. */
export class AccountPool {
  readonly sessions: Map<string, SessionState> = new Map();
  readonly counters: Map<string, AccountCounters> = new Map();
  requests = 0;
  /** Requests answered by another account than the one first chosen or than the conversation was on. */
  switches = 0;
  #registry: Registry;
  #statuses: Record<string, AccountStatus>;
  readonly #options: PoolOptions;

  constructor(registry: Registry, statuses: Record<string, AccountStatus>, options: PoolOptions) {
    this.#registry = registry;
    this.#statuses = statuses;
    this.#options = options;
  }

  /** The registry in use. */
  get registry(): Registry {
    return this.#registry;
  }

  /** The statuses in use (live objects: read only). */
  get statuses(): Readonly<Record<string, AccountStatus>> {
    return this.#statuses;
  }

  /** The policy in use. */
  get policy(): SelectionPolicy {
    return this.#options.policy;
  }

  /** Replaces registry and statuses with a fresh view from disk. */
  replaceState(registry: Registry, statuses: Record<string, AccountStatus>): void {
    this.#registry = registry;
    this.#statuses = statuses;
  }

  /** The selection candidates now. */
  candidates(): SelectionCandidate[] {
    return selectionCandidates(this.#registry, this.#statuses, this.#options.canLogIn);
  }

  /** Chooses the account for one attempt of a request of conversation `sessionId`, skipping `exclude`. */
  choose(sessionId: string | null, exclude: ReadonlySet<string>): Choice {
    const now = this.#options.now();
    const candidates = this.candidates();
    const session = sessionId !== null ? this.sessions.get(sessionId) : undefined;
    if (session && !exclude.has(session.account)) {
      const candidate = candidates.find((c) => c.name === session.account);
      const availability = candidate ? accountAvailability(candidate, this.#options.policy, now) : null;
      if (availability?.kind === "available" || availability?.kind === "over-threshold") {
        return {
          kind: "account",
          name: session.account,
          moved: false,
          previous: session.account,
          overThreshold: availability.kind === "over-threshold",
        };
      }
    }
    const selection = selectNextAccount(candidates, { now, policy: this.#options.policy, exclude });
    // Accounts this request already tried were excluded above; the answer covers every account.
    if (selection.kind === "none") {
      const none = poolUnavailability(candidates, this.#options.policy, now);
      if (none.earliestReset) {
        this.#options.onAlarm?.({
          kind: "all-limited",
          account: none.earliestReset.name,
          at: none.earliestReset.at,
        });
      }
      return none;
    }
    const previous = session?.account ?? null;
    return {
      kind: "account",
      name: selection.name,
      moved: previous !== null && previous !== selection.name,
      previous,
      overThreshold: selection.overThreshold,
    };
  }

  /** The conversation `sessionId` was answered by `account` (now committed to the client). */
  bindSession(sessionId: string | null, account: string, turnStateSent: boolean): void {
    const nowMs = this.#options.now().getTime();
    this.requests++;
    this.#counter(account).lastUsedAt = new Date(nowMs).toISOString();
    if (sessionId === null) return;
    const session = this.sessions.get(sessionId);
    if (session) {
      if (session.account !== account) session.moved = true;
      session.account = account;
      session.lastSeen = nowMs;
      if (turnStateSent) session.turnStateFrom = account;
      return;
    }
    this.sessions.set(sessionId, {
      account,
      lastSeen: nowMs,
      moved: false,
      turnStateFrom: turnStateSent ? account : null,
    });
    if (this.sessions.size > (this.#options.maxSessions ?? 5000)) this.pruneSessions();
  }

  /** The state of one conversation, if known. */
  session(sessionId: string | null): SessionState | undefined {
    return sessionId === null ? undefined : this.sessions.get(sessionId);
  }

  /** Forgets conversations idle longer than the TTL (and the oldest beyond the cap). */
  pruneSessions(): void {
    const nowMs = this.#options.now().getTime();
    const ttl = this.#options.sessionTtlMs ?? 12 * 60 * 60 * 1000;
    for (const [id, s] of this.sessions) if (nowMs - s.lastSeen > ttl) this.sessions.delete(id);
    const max = this.#options.maxSessions ?? 5000;
    if (this.sessions.size <= max) return;
    // Down to 90 % of the cap, so that pruning runs once per many new conversations, not on each.
    const oldest = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    for (const [id] of oldest.slice(0, this.sessions.size - Math.floor(max * 0.9))) this.sessions.delete(id);
  }

  /**
   * Counts a request sent upstream on `name`, whatever came back (an account that only ever answered 429 shows
   * its requests beside its limit hits).
   */
  countRequest(name: string): void {
    this.#counter(name).requests++;
  }

  /** Counts a usage limit on `name` (the cooldown itself is recorded through {@link record}). */
  countLimitHit(name: string): void {
    this.#counter(name).limitHits++;
  }

  /** Applies a status change now and hands it on for persistence. */
  record(name: string, mutation: StatusMutation, urgent = false): void {
    const status = this.#statuses[name] ??= emptyAccountStatus();
    const usage = status.usage;
    const dead = status.needsRelogin;
    mutation(status);
    if (status.usage !== usage && status.usage !== null) this.#options.onUsage?.(name, status.usage);
    if (status.needsRelogin && !dead) {
      this.#options.onAlarm?.({
        kind: "needs-login",
        account: name,
        reason: status.needsReloginReason ?? "its login was refused",
      });
    }
    this.#options.onChange?.(name, mutation, urgent);
  }

  /** Accounts that served a conversation within `windowMs` (default 30 min), in registry order. */
  accountsInUse(windowMs = 30 * 60 * 1000): string[] {
    const since = this.#options.now().getTime() - windowMs;
    const used = new Set<string>();
    for (const s of this.sessions.values()) if (s.lastSeen >= since) used.add(s.account);
    return this.#registry.accounts.map((a) => a.name).filter((n) => used.has(n));
  }

  #counter(name: string): AccountCounters {
    let counter = this.counters.get(name);
    if (!counter) this.counters.set(name, counter = { requests: 0, limitHits: 0, lastUsedAt: null });
    return counter;
  }
}
