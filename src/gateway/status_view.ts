/**
 * @module
 * `GET /status`: the running gateway's view as JSON (accounts with their availability, cooldowns, usage
 * windows and counters; conversations; requests; switches). Pure over the pool; no token in it.
 *
 * ```json
 * { "service": "cao-gateway", "version": "0.1.0", "pid": 4242, "startedAt": "…", "url": "http://127.0.0.1:4319",
 *   "upstream": "https://chatgpt.com/backend-api/codex", "switchAt": 90,
 *   "requests": 12, "switches": 1, "conversations": 2, "refreshes": 0,
 *   "accounts": [ { "name": "work", "default": true, "state": "cooling", "until": "…", "reason": null,
 *                   "usedPercent": 100, "usage": { …UsageSnapshot… }, "reservePercent": null,
 *                   "requests": 7, "limitHits": 1, "lastUsedAt": "…", "conversations": 0, "sharedLogin": false } ] }
 * ```
 */

import { accountAvailability, highestUsedPercent } from "../accounts/selection.ts";
import type { AccountPool } from "./account_pool.ts";

/** Facts about the process serving the view. */
export interface GatewayIdentity {
  version: string;
  pid: number;
  startedAt: string;
  url: string;
  upstream: string;
  refreshes: number;
  sharedLogins: string[];
}

/** The `/status` document. Pure. */
export function gatewayStatusJson(
  pool: AccountPool,
  identity: GatewayIdentity,
  now: Date,
): Record<string, unknown> {
  const conversationsOn = new Map<string, number>();
  for (const s of pool.sessions.values()) {
    conversationsOn.set(s.account, (conversationsOn.get(s.account) ?? 0) + 1);
  }
  const accounts = pool.candidates().map((c) => {
    const availability = accountAvailability(c, pool.policy, now);
    const counter = pool.counters.get(c.name);
    return {
      name: c.name,
      default: c.isDefault,
      state: availability.kind,
      until: availability.kind === "cooling" ? availability.until.toISOString() : null,
      reason: availability.kind === "needs-login" ? availability.reason : null,
      usedPercent: highestUsedPercent(c.status, now),
      usage: c.status.usage,
      reservePercent: c.reservePercent,
      requests: counter?.requests ?? 0,
      limitHits: counter?.limitHits ?? 0,
      lastUsedAt: counter?.lastUsedAt ?? null,
      conversations: conversationsOn.get(c.name) ?? 0,
      sharedLogin: identity.sharedLogins.includes(c.name),
    };
  });
  return {
    service: "cao-gateway",
    version: identity.version,
    pid: identity.pid,
    startedAt: identity.startedAt,
    url: identity.url,
    upstream: identity.upstream,
    switchAt: pool.policy.switchAtPercent,
    requests: pool.requests,
    switches: pool.switches,
    conversations: pool.sessions.size,
    refreshes: identity.refreshes,
    accounts,
  };
}
