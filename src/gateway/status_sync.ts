/**
 * @module
 * Keeps the gateway's in-memory pool and the files of the cao home in step, off the request path. Status
 * changes are queued and written together at most every `flushDelayMs` (under the status file's lock, applied
 * to what is on disk so no other cao process loses an update), and on close. Every `reloadIntervalMs` the
 * registry and statuses are read again, so accounts added, re-logged-in, reserved or cleared by hand are
 * seen without a restart; queued changes are re-applied on top of what was read.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { loadRegistry, type Registry } from "../accounts/registry.ts";
import { type AccountStatus, loadStatusFile, statusOf, updateStatusFile } from "../accounts/status_store.ts";
import type { StatusMutation } from "./account_pool.ts";
import { type Cancel, later, repeat } from "../shared/timers.ts";

/** Options of {@link StatusSync}. */
export interface StatusSyncOptions {
  /** Write queued changes this long after the first one (default 1000 ms). */
  flushDelayMs?: number;
  /** Re-read registry and statuses this often (default 5000 ms; 0: never). */
  reloadIntervalMs?: number;
  /** Receives the fresh registry and statuses (queued changes already applied). */
  onState(registry: Registry, statuses: Record<string, AccountStatus>): void;
  /** Runs after every reload (e.g. re-reading logins, publishing accounts in use). */
  afterReload?(): Promise<void>;
  /** Receives a one-line description of a failed write or read. */
  onError(message: string): void;
}

interface Pending {
  name: string;
  mutation: StatusMutation;
}

/** Coalesced persistence of the gateway's status changes. */
export class StatusSync {
  readonly #home: CaoHome;
  readonly #options: StatusSyncOptions;
  #pending: Pending[] = [];
  #registry: Registry | null = null;
  #flushTimer: Cancel | undefined;
  #reloadTimer: Cancel | undefined;
  #busy: Promise<void> = Promise.resolve();
  #closed = false;
  /** Number of status file writes so far (for tests and the benchmark). */
  writes = 0;

  constructor(home: CaoHome, options: StatusSyncOptions) {
    this.#home = home;
    this.#options = options;
  }

  /** Reads registry and statuses once and starts the reload timer. */
  async start(): Promise<void> {
    await this.reload();
    const every = this.#options.reloadIntervalMs ?? 5000;
    if (every > 0) this.#reloadTimer = repeat(every, () => void this.reload());
  }

  /** Queues a change for the next write; an urgent one (a cooldown, a dead login) is written right away. */
  enqueue(name: string, mutation: StatusMutation, urgent = false): void {
    this.#pending.push({ name, mutation });
    if (this.#closed) return;
    if (urgent) {
      this.#flushTimer?.();
      this.#flushTimer = undefined;
      void this.flush();
      return;
    }
    if (this.#flushTimer === undefined) {
      this.#flushTimer = later(this.#options.flushDelayMs ?? 1000, () => {
        this.#flushTimer = undefined;
        void this.flush();
      });
    }
  }

  /** Writes every queued change now. */
  flush(): Promise<void> {
    return this.#serial(async () => {
      if (this.#pending.length === 0) return;
      const batch = this.#pending;
      this.#pending = [];
      try {
        const accounts = await updateStatusFile(this.#home, (file) => {
          for (const { name, mutation } of batch) mutation(statusOf(file, name));
          return file.accounts;
        });
        this.writes++;
        if (this.#registry) this.#publish(this.#registry, accounts);
      } catch (error) {
        this.#pending = [...batch, ...this.#pending];
        this.#options.onError(`cannot write account_status.json: ${(error as Error).message}`);
      }
    });
  }

  /** Re-reads registry and statuses. */
  reload(): Promise<void> {
    return this.#serial(async () => {
      try {
        const [registry, statusFile] = await Promise.all([
          loadRegistry(this.#home),
          loadStatusFile(this.#home),
        ]);
        this.#registry = registry;
        this.#publish(registry, statusFile.accounts);
      } catch (error) {
        this.#options.onError(`cannot read the cao home: ${(error as Error).message}`);
      }
      try {
        await this.#options.afterReload?.();
      } catch (error) {
        this.#options.onError((error as Error).message);
      }
    });
  }

  /** Stops the timers and writes what is queued. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#reloadTimer?.();
    this.#flushTimer?.();
    this.#flushTimer = undefined;
    await this.flush();
    await this.#busy;
  }

  #publish(registry: Registry, accounts: Record<string, AccountStatus>): void {
    const view = { schemaVersion: 1, accounts };
    for (const { name, mutation } of this.#pending) mutation(statusOf(view, name));
    this.#options.onState(registry, accounts);
  }

  #serial(task: () => Promise<void>): Promise<void> {
    const next = this.#busy.then(task, task);
    this.#busy = next.catch(() => {});
    return next;
  }
}
