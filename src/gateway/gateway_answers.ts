/**
 * @module
 * The answers the gateway writes itself, each shaped so that Codex shows something useful: the upstream's
 * own 429 `usage_limit_reached` (with the earliest `resets_at`, so Codex says when to come back) when every
 * account is limited, 503 when no account can be used at all, 502 when the upstream cannot be reached, 403
 * for a caller without the key (never 401: Codex would rotate its own refresh token), 426 for WebSocket
 * upgrades (Codex then falls back to HTTPS at once). Pure.
 */

import type { Availability } from "../accounts/selection.ts";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

function describe(reasons: Record<string, Availability>): string {
  return Object.entries(reasons).map(([name, a]) => {
    switch (a.kind) {
      case "cooling":
        return `${name} until ${a.until.toISOString()}`;
      case "needs-login":
        return `${name} needs a new login (${a.reason})`;
      case "over-threshold":
        return `${name} at ${a.percent}%`;
      default:
        return name;
    }
  }).join(", ");
}

/** Every account is cooling down: the upstream's usage-limit answer with the earliest reset. */
export function allLimitedAnswer(
  earliest: Date,
  now: Date,
  planType: string | null,
  reasons: Record<string, Availability>,
): Response {
  const resetsAt = Math.ceil(earliest.getTime() / 1000);
  const error: Record<string, unknown> = {
    type: "usage_limit_reached",
    message: `All cao accounts have reached their usage limit (${describe(reasons)}).`,
    resets_at: resetsAt,
    resets_in_seconds: Math.max(0, resetsAt - Math.floor(now.getTime() / 1000)),
  };
  if (planType) error.plan_type = planType;
  return json(429, { error }, {
    "x-codex-primary-used-percent": "100",
    "x-codex-primary-reset-at": String(resetsAt),
    "x-codex-active-limit": "codex",
  });
}

/** No account can be used (none registered, or every one needs a new login). */
export function noAccountAnswer(reasons: Record<string, Availability>): Response {
  const detail = Object.keys(reasons).length === 0
    ? 'no accounts are registered; add one with "cao add <name>"'
    : `no account can be used (${describe(reasons)}); run "cao status --doctor"`;
  return json(503, {
    error: {
      type: "cao_gateway_no_account",
      code: "cao_gateway_no_account",
      message: `cao gateway: ${detail}`,
    },
  });
}

/** The upstream could not be reached after the retries. */
export function upstreamUnreachableAnswer(reason: string): Response {
  return json(502, {
    error: {
      type: "cao_gateway_upstream_unreachable",
      message: `cao gateway: the upstream could not be reached (${reason})`,
    },
  });
}

/** A caller without the gateway key. */
export function forbiddenAnswer(): Response {
  return json(403, {
    error: {
      type: "cao_gateway_forbidden",
      message:
        'cao gateway: this request lacks the gateway key; use "cao run --gateway" or "cao gateway enable"',
    },
  });
}

/** A WebSocket upgrade: Codex falls back to HTTPS on 426 without retrying. */
export function upgradeRequiredAnswer(): Response {
  return json(426, {
    error: { type: "cao_gateway_http_only", message: "cao gateway: use HTTPS streaming, not WebSockets" },
  });
}

/** A JSON document (status, health). */
export function jsonAnswer(status: number, body: unknown): Response {
  return json(status, body);
}
