/**
 * @module
 * The answers the gateway writes itself, each shaped so that Codex shows something useful at once: the
 * upstream's own 429 `usage_limit_reached` (with the earliest `resets_at`, so Codex says when to come back)
 * when every account is limited; for every other failure of the gateway's own (no account can be used, the
 * upstream cannot be reached, a request without a valid key) a **400 with a one-line `text/plain` body**
 * `cao gateway: …`. Codex 0.169 and 0.171 retry a 502/503 for 25–45 s and a 403 five times, and then print
 * the request URL (the key in `openai_base_url` included) on the terminal and into the rollout; a 400 they
 * show at once, verbatim, without the URL (research: /work/notes/issue11-research.md §1). Never a 401: Codex
 * would rotate its own refresh token. 426 for WebSocket upgrades (Codex then falls back to HTTPS at once),
 * 403 for cao's own control requests (`/status`, `/shutdown`, `/run-key`) without the control key. Pure.
 */

import type { Availability } from "../accounts/selection.ts";
import { redactSecrets } from "../shared/redact.ts";

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

/** Header naming which of the gateway's own failures a 400 is (for cao's clients and tests; Codex ignores it). */
export const GATEWAY_ERROR_HEADER = "x-cao-gateway-error";

/**
 * A failure of the gateway's own, as Codex shows it at once: 400, `text/plain`, `cao gateway: <message>` on
 * one line (no key, no token: the message is built from account names and states only).
 */
export function gatewayFailure(code: string, message: string): Response {
  return new Response(`cao gateway: ${redactSecrets(message).replace(/\s*\n\s*/g, " ")}`, {
    status: 400,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      [GATEWAY_ERROR_HEADER]: code,
    },
  });
}

/** No account can be used (none registered, or every one needs a new login). */
export function noAccountAnswer(reasons: Record<string, Availability>): Response {
  const detail = Object.keys(reasons).length === 0
    ? 'no accounts are registered; add one with "cao add <name>"'
    : `no account can be used (${describe(reasons)}); run "cao status --doctor"`;
  return gatewayFailure("no_account", detail);
}

/** The upstream could not be reached after the retries. */
export function upstreamUnreachableAnswer(reason: string): Response {
  return gatewayFailure("upstream_unreachable", `the upstream could not be reached (${reason})`);
}

/** A proxied request without a valid key (a stale `openai_base_url`, or a caller that is not cao's). */
export function forbiddenAnswer(): Response {
  return gatewayFailure(
    "forbidden",
    'this request lacks a valid gateway key; run "cao gateway enable" again, or use "cao run --gateway"',
  );
}

/** A control request (`/status`, `/shutdown`, `/run-key`) without the control key. */
export function controlForbiddenAnswer(): Response {
  return json(403, {
    error: {
      type: "cao_gateway_forbidden",
      message: "cao gateway: this request needs the gateway's control key (x-cao-gateway-key header)",
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
