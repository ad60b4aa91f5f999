/**
 * @module
 * The dashboard's live updates: one server-sent-event stream per open page. While at least one page is
 * open, the server checks a cheap fingerprint of the cao home's files every `pollMs` (a stat of each, no
 * read) and renders again when it changed, or every `refreshMs` anyway (cooldowns end and windows reset by
 * the clock alone); each page gets an `event: state` with the new HTML only when its HTML changed. Nothing
 * runs while no page is open. Pages never poll files: the browser only listens. {@link DashboardEvents.close}
 * ends every stream (a server waits for open responses before it stops).
 */

import { type Cancel, repeat } from "../shared/timers.ts";

/** Which stretch of history a page shows. */
export type DashboardRange = "day" | "week";

/** What the event stream renders from. */
export interface LiveSource {
  /** The live part of the page (`<main>`'s HTML) for a range. */
  render(range: DashboardRange): Promise<string>;
  /** Changes whenever a file the dashboard is made of changes (stat only). */
  fingerprint(): Promise<string>;
}

/** Pacing of {@link DashboardEvents} (defaults: 1 s, 20 s, 15 s). */
export interface LiveTiming {
  pollMs?: number;
  refreshMs?: number;
  keepAliveMs?: number;
  /** Receives a one-line description of a failed render. */
  onError?(message: string): void;
}

interface Client {
  range: DashboardRange;
  controller: ReadableStreamDefaultController<Uint8Array>;
  last: string | null;
  sentAt: number;
}

const encoder = new TextEncoder();

/** One `event: state` frame. Pure. */
export function stateFrame(html: string): string {
  return `event: state\ndata: ${JSON.stringify({ html })}\n\n`;
}

/** The open event streams of one server. */
export class DashboardEvents {
  readonly #source: LiveSource;
  readonly #timing: Required<Omit<LiveTiming, "onError">> & Pick<LiveTiming, "onError">;
  readonly #clients = new Set<Client>();
  #timer: Cancel | undefined;
  #busy = false;
  #fingerprint: string | null = null;
  #renderedAt = 0;

  constructor(source: LiveSource, timing: LiveTiming = {}) {
    this.#source = source;
    this.#timing = {
      pollMs: timing.pollMs ?? 1000,
      refreshMs: timing.refreshMs ?? 20_000,
      keepAliveMs: timing.keepAliveMs ?? 15_000,
      onError: timing.onError,
    };
  }

  /** Pages listening now. */
  get size(): number {
    return this.#clients.size;
  }

  /** The answer to `GET /d/events`: the current state at once, then every change. */
  open(range: DashboardRange): Response {
    let client: Client;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        client = { range, controller, last: null, sentAt: performance.now() };
        this.#clients.add(client);
        controller.enqueue(encoder.encode("retry: 2000\n\n"));
        void this.#push([client]);
        this.#timer ??= repeat(this.#timing.pollMs, () => void this.#tick());
      },
      cancel: () => this.#drop(client),
    });
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  }

  /** Ends every stream and stops checking. */
  close(): void {
    for (const client of this.#clients) {
      try {
        client.controller.close();
      } catch { /* already gone */ }
    }
    this.#clients.clear();
    this.#stop();
  }

  #drop(client: Client): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0) this.#stop();
  }

  #stop(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#fingerprint = null;
  }

  #send(client: Client, text: string): void {
    try {
      client.controller.enqueue(encoder.encode(text));
      client.sentAt = performance.now();
    } catch {
      this.#drop(client);
    }
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#clients.size === 0) return;
    this.#busy = true;
    try {
      const fingerprint = await this.#source.fingerprint();
      const due = fingerprint !== this.#fingerprint ||
        performance.now() - this.#renderedAt >= this.#timing.refreshMs;
      this.#fingerprint = fingerprint;
      if (due) await this.#push([...this.#clients]);
      const now = performance.now();
      for (const client of this.#clients) {
        if (now - client.sentAt >= this.#timing.keepAliveMs) this.#send(client, ": keep-alive\n\n");
      }
    } catch (error) {
      this.#timing.onError?.(`dashboard: ${(error as Error).message.split("\n")[0]}`);
    } finally {
      this.#busy = false;
    }
  }

  async #push(clients: Client[]): Promise<void> {
    const ranges = new Set(clients.map((c) => c.range));
    for (const range of ranges) {
      let html: string;
      try {
        html = await this.#source.render(range);
      } catch (error) {
        this.#timing.onError?.(`dashboard: ${(error as Error).message.split("\n")[0]}`);
        continue;
      }
      this.#renderedAt = performance.now();
      for (const client of clients) {
        if (client.range !== range || client.last === html || !this.#clients.has(client)) continue;
        client.last = html;
        this.#send(client, stateFrame(html));
      }
    }
  }
}
