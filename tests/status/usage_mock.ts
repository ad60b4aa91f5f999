/**
 * @module
 * A loopback ChatGPT backend for `--refresh` tests: `GET /backend-api/wham/usage` answered per
 * `chatgpt-account-id` (a usage body, a bare status, or no answer at all until the mock closes — for
 * timeouts) and `POST /oauth/token` answered per refresh token (rotate, or 401 `refresh_token_reused`).
 * Listens on 127.0.0.1 only. Test-only.
 */

import { fakeAuthJson } from "../support/fake_auth.ts";

/** How the mock answers the usage endpoint for one account. */
export type UsageAnswer =
  | { kind: "ok"; body: unknown }
  | { kind: "status"; status: number; body?: unknown }
  /** Never answers (until the mock closes). */
  | { kind: "hang" }
  /** 401 to the first request, then `body` (to test renew-and-retry). */
  | { kind: "unauthorized-once"; body: unknown };

/** How the mock answers a refresh. */
export type TokenAnswer =
  /** New tokens for this account id, the refresh token rotated to `<old>_gen1`. */
  | { kind: "rotate"; accountId: string; email?: string }
  | { kind: "reused" };

/** A request the mock saw (headers lower-cased; never printed by tests). */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** The running mock. */
export interface UsageMock extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A `/wham/usage` body (CODEX_FACTS §3.4) with the given percents and resets. */
export function usageBody(
  primary: { used: number; resetAt: number },
  secondary: { used: number; resetAt: number } | null,
  plan = "plus",
): unknown {
  const window = (w: { used: number; resetAt: number }, seconds: number) => ({
    used_percent: w.used,
    limit_window_seconds: seconds,
    reset_after_seconds: 0,
    reset_at: w.resetAt,
  });
  const reached = primary.used >= 100 || (secondary?.used ?? 0) >= 100;
  return {
    plan_type: plan,
    rate_limit: {
      allowed: !reached,
      limit_reached: reached,
      primary_window: window(primary, 18000),
      secondary_window: secondary ? window(secondary, 604800) : null,
    },
    credits: { has_credits: false, unlimited: false, balance: "0" },
    additional_rate_limits: null,
    rate_limit_reached_type: null,
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Starts the mock. `usage` is keyed by account id, `tokens` by the refresh token presented. */
export function startUsageMock(
  usage: Record<string, UsageAnswer>,
  tokens: Record<string, TokenAnswer> = {},
): Promise<UsageMock> {
  const requests: SeenRequest[] = [];
  const hanging = new Set<() => void>();
  const refused = new Set<string>();
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        let closed: Promise<void> | undefined;
        const close = () =>
          closed ??= (async () => {
            for (const release of hanging) release();
            await server.shutdown();
          })();
        resolve({ url: `http://127.0.0.1:${port}`, requests, close, [Symbol.asyncDispose]: close });
      },
    }, async (request) => {
      const url = new URL(request.url);
      const text = await request.text();
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch { /* keep undefined */ }
      requests.push({
        method: request.method,
        path: url.pathname,
        headers: Object.fromEntries(request.headers),
        body,
      });
      if (request.method === "GET" && url.pathname === "/backend-api/wham/usage") {
        const id = request.headers.get("chatgpt-account-id") ?? "";
        const answer = usage[id] ?? { kind: "status", status: 404 };
        if (answer.kind === "hang") {
          await new Promise<void>((release) => hanging.add(release));
          return json(504, { error: "closed" });
        }
        if (answer.kind === "unauthorized-once") {
          if (refused.has(id)) return json(200, answer.body);
          refused.add(id);
          return json(401, { error: { code: "token_expired" } });
        }
        return answer.kind === "ok" ? json(200, answer.body) : json(answer.status, answer.body ?? {});
      }
      if (request.method === "POST" && url.pathname === "/oauth/token") {
        const presented = (body as { refresh_token?: string } | undefined)?.refresh_token ?? "";
        const answer = tokens[presented] ?? { kind: "reused" };
        if (answer.kind === "reused") {
          return json(401, {
            error: {
              message: "refresh token already used",
              type: "invalid_request_error",
              code: "refresh_token_reused",
            },
          });
        }
        const fresh = fakeAuthJson({
          accountId: answer.accountId,
          email: answer.email,
          refreshToken: `${presented}_gen1`,
        }).tokens as Record<string, string>;
        return json(200, { ...fresh, token_type: "Bearer", expires_in: 864000 });
      }
      return json(404, { error: `no route for ${request.method} ${url.pathname}` });
    });
  });
}
