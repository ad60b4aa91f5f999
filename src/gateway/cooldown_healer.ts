/**
 * @module
 * Cooldowns that heal: while an account cools down, the gateway asks its usage endpoint (no inference
 * request) at a modest pace — at most once per `intervalMs` per account, backing off on errors — and clears
 * the cooldown as soon as the windows show room (recorded as `cooldownCleared`, `why: "usage-room"`). A
 * cooldown whose reset has passed is cleared too (`reset-passed`). Both are told as "usable again". It runs
 * on its own timer, never on the request path: any number of concurrent requests changes nothing about the
 * pace ({@link CooldownHealer.poke} only asks for an early look, which the pace still governs).
 */

import { activeCooldown, applyUsageReading, clearPassedCooldown } from "../accounts/status_events.ts";
import type { NotifySink } from "../accounts/notify_sink.ts";
import { fetchUsageAnswer } from "../codex/usage_fetch.ts";
import type { UsageAnswer } from "../codex/usage_response.ts";
import type { AccountPool } from "./account_pool.ts";
import type { Credentials, TokenResult } from "./credentials.ts";
import { type Cancel, repeat } from "../shared/timers.ts";

/** Options of {@link CooldownHealer}. */
export interface HealerOptions {
  pool: AccountPool;
  credentials: Credentials;
  fetch: typeof fetch;
  /** The usage endpoint (`…/backend-api/wham/usage`). */
  usageUrl: string;
  now: () => Date;
  /** At most one probe per account this often (0: never probe; expired cooldowns are still cleared). */
  intervalMs: number;
  /** How often to look at the cooldowns (default: the interval, at most 5 s). */
  tickMs?: number;
  /** Per probe (default 10 s). */
  timeoutMs?: number;
  /** Longest wait after errors (default 1 h). */
  maxBackoffMs?: number;
  /** Who clears (`cooldownCleared.by`): `gateway (pid 4242)`. */
  by: string;
  userAgent: string;
  notify?: NotifySink;
  log(line: string): void;
}

interface ProbeState {
  nextAt: number;
  failures: number;
}

/** When an account may be probed next after `failures` failures in a row. Pure. */
export function nextProbeAt(
  nowMs: number,
  intervalMs: number,
  failures: number,
  maxBackoffMs: number,
): number {
  return nowMs + Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 20));
}

/** The gateway's cooldown healer. */
export class CooldownHealer {
  readonly #options: HealerOptions;
  readonly #state = new Map<string, ProbeState>();
  #timer: Cancel | undefined;
  #running: Promise<void> | null = null;
  #closed = false;
  /** Usage requests sent so far (tests, status). */
  probes = 0;

  constructor(options: HealerOptions) {
    this.#options = options;
  }

  /** Starts the timer. */
  start(): void {
    const every = this.#options.tickMs ?? Math.max(50, Math.min(this.#options.intervalMs || 5000, 5000));
    this.#timer = repeat(every, () => void this.tick());
  }

  /** Asks for a look now (e.g. when no account was left for a request); the pace still holds. */
  poke(): void {
    if (!this.#closed) void this.tick();
  }

  /** One look at every cooldown (single-flight: a look already running is shared). */
  tick(): Promise<void> {
    this.#running ??= this.#look().finally(() => this.#running = null);
    return this.#running;
  }

  /** Stops the timer and waits for a running look. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#timer?.();
    await this.#running;
  }

  async #look(): Promise<void> {
    const { pool, now, intervalMs } = this.#options;
    const nowDate = now();
    const due: string[] = [];
    for (const { name } of pool.registry.accounts) {
      const status = pool.statuses[name];
      if (!status || status.cooldownUntil === null) continue;
      const until = Date.parse(status.cooldownUntil);
      if (activeCooldown(status, nowDate) === null) {
        this.#state.delete(name);
        // Only a cooldown that is over by then: another process may have set a new one meanwhile.
        pool.record(name, (s) => void clearPassedCooldown(s, nowDate, this.#options.by));
        this.#options.notify?.emit({
          kind: "usable-again",
          account: name,
          why: "reset-passed",
          until: Math.floor(until / 1000),
        });
        continue;
      }
      if (intervalMs <= 0 || status.needsRelogin || !this.#options.credentials.canLogIn(name)) continue;
      const state = this.#state.get(name);
      if (state && state.nextAt > nowDate.getTime()) continue;
      due.push(name);
    }
    await Promise.all(due.map((name) => this.#probe(name)));
  }

  async #probe(name: string): Promise<void> {
    const o = this.#options;
    const state = this.#state.get(name) ?? { nextAt: 0, failures: 0 };
    this.#state.set(name, state);
    // Reserve the slot before any await, so that no other look probes this account meanwhile.
    state.nextAt = nextProbeAt(o.now().getTime(), o.intervalMs, state.failures, o.maxBackoffMs ?? 3600_000);
    const outcome = await this.#ask(name);
    if (typeof outcome === "string") {
      state.failures++;
      state.nextAt = nextProbeAt(o.now().getTime(), o.intervalMs, state.failures, o.maxBackoffMs ?? 3600_000);
      if (state.failures === 1) o.log(`notice: cannot probe the usage of ${name}: ${outcome}; backing off`);
      return;
    }
    state.failures = 0;
    const at = o.now();
    const until = o.pool.statuses[name]?.cooldownUntil ?? null;
    let effect = "unchanged";
    o.pool.record(name, (s) => void (effect = applyUsageReading(s, outcome, at, o.by)), true);
    if (effect === "cleared" && until !== null) {
      o.log(`notice: ${name}'s usage shows room again; its cooldown is cleared`);
      o.notify?.emit({
        kind: "usable-again",
        account: name,
        why: "usage-room",
        until: Math.floor(Date.parse(until) / 1000),
      });
    }
  }

  /** The usage answer of `name`, or why there is none. */
  async #ask(name: string): Promise<UsageAnswer | string> {
    const o = this.#options;
    let token: TokenResult = await o.credentials.tokenFor(name);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (token.kind !== "ok") return `no usable login (${token.reason})`;
      this.probes++;
      const fetched = await fetchUsageAnswer({
        fetch: o.fetch,
        url: o.usageUrl,
        accessToken: token.accessToken,
        accountId: token.accountId,
        userAgent: o.userAgent,
        accept: "application/json",
        timeoutMs: o.timeoutMs ?? 10_000,
        now: o.now,
      });
      if (fetched.kind === "unauthorized" && attempt === 0) {
        token = await o.credentials.recoverUnauthorized(name, token.accessToken);
        continue;
      }
      switch (fetched.kind) {
        case "ok":
          return fetched.answer;
        case "unauthorized":
          return "the usage endpoint answered 401";
        case "timeout":
          return "the usage endpoint did not answer in time";
        case "failed":
          return fetched.reason;
      }
    }
    return "the usage endpoint refused the renewed login (401)";
  }
}
