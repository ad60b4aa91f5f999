/**
 * @module
 * The gateway's log: one line per request, with the time, method, path (never the key, never the query),
 * status, duration, the account that answered, a switch when the request changed account, and how a stream
 * ended — for every request, those the gateway answers itself (426, `/status`, `/oauth/token`, a refusal) too.
 * Never a token, never a prompt: the only request data in it is the path and the last 8 characters of Codex's
 * conversation id (its random end: a UUIDv7 starts with a timestamp). Pure.
 */

import { redactSecrets } from "../shared/redact.ts";

/** One request, as logged. */
export interface RequestLogEntry {
  at: Date;
  method: string;
  /** Path after the key prefix was removed. */
  path: string;
  status: number;
  durationMs: number;
  /** The account that answered (null: none did). */
  account: string | null;
  /** The account the request or conversation was on before, when it changed. */
  switchedFrom?: string | null;
  /** Codex `session-id`. */
  session?: string | null;
  /** Retries on the same account. */
  retries?: number;
  /** A short note: how a stream ended, why it failed. */
  note?: string;
}

/** Formats one log line. Pure. */
export function formatLogLine(entry: RequestLogEntry): string {
  const parts = [
    entry.at.toISOString(),
    entry.method,
    entry.path,
    String(entry.status),
    `${Math.round(entry.durationMs)}ms`,
    `account=${entry.account ?? "-"}`,
  ];
  if (entry.switchedFrom && entry.switchedFrom !== entry.account) {
    parts.push(`switch=${entry.switchedFrom}->${entry.account ?? "-"}`);
  }
  // The end of the id: a UUIDv7 starts with its timestamp, so conversations begun within a minute share a start.
  if (entry.session) parts.push(`session=${entry.session.slice(-8)}`);
  if (entry.retries) parts.push(`retries=${entry.retries}`);
  if (entry.note) parts.push(`note=${JSON.stringify(redactSecrets(entry.note).slice(0, 200))}`);
  return parts.join(" ");
}
