/**
 * @module
 * A loopback stand-in for the ChatGPT Codex backend and auth server, for gateway and `cao run` tests
 * and benchmarks. It speaks what the real Codex CLI 0.169 expects (CODEX_FACTS §1.4–§1.9, §2.1, §3.1,
 * §3.4, §4.3): SSE answers on `POST …/responses`, 426 to WebSocket upgrades, `/models`,
 * `/wham/accounts/check`, `/wham/usage` and `/oauth/token`; everything else is 404.
 *
 * Answers are programmed per ChatGPT account id (the `chatgpt-account-id` request header) as a queue:
 * each call takes the next behaviour and the last one repeats. Every request is recorded with its
 * decoded body (zstd bodies are decoded with `node:zlib`). It listens on 127.0.0.1 only. Test-only.
 */

import { zstdDecompressSync } from "node:zlib";
import { fakeAuthJson } from "./fake_auth.ts";
import {
  defaultReplyText,
  failedEvents,
  functionCallEvents,
  okEvents,
  rateLimitHeaders,
  type RefreshBehavior,
  type ResponseBehavior,
  type UsageBehavior,
  usageBody,
  usageLimitBody,
} from "./mock_payloads.ts";

export * from "./mock_payloads.ts";

/** Options for {@linkcode startMockUpstream}. */
export interface MockUpstreamOptions {
  /** `/responses` behaviours per account id; key `"*"` is the default (itself defaulting to "ok"). */
  responses?: Record<string, ResponseBehavior | ResponseBehavior[]>;
  /** `/wham/usage` behaviours per account id; key `"*"` is the default. */
  usage?: Record<string, UsageBehavior>;
  /** `/oauth/token` behaviours, a queue whose last entry repeats; default rotate. */
  refresh?: RefreshBehavior | RefreshBehavior[];
  /**
   * Refuse a refresh token presented a second time, as OpenAI's token endpoint does: 401
   * `refresh_token_reused` (counted in {@link MockUpstream.refreshReuses}), whatever the queue says.
   */
  refuseReuse?: boolean;
}

/** What happened to one SSE stream the mock started. */
export interface StreamRecord {
  /** Index of the request in {@linkcode MockUpstream.requests}. */
  requestIndex: number;
  accountId: string | null;
  /** SSE events written so far. */
  eventsSent: number;
  /** "aborted": the client went away; "interrupted": the mock was closed mid-stream. */
  state: "open" | "completed" | "aborted" | "interrupted";
  /** Settles with the final state. */
  finished: Promise<"completed" | "aborted" | "interrupted">;
}

/** A request as the mock saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string including "?", or "". */
  query: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** `chatgpt-account-id` header, or null. */
  accountId: string | null;
  /** Body text after zstd decoding ("" when empty). */
  text: string;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
  /** What the mock answered: the behaviour's kind for `/responses`, else the route name. */
  answer: string;
  /**
   * Settles false when an SSE answer did not complete (client abort, mock closed) or Deno could not send
   * the answer, else true. A client leaving while a small non-stream answer is still delayed (`delayMs`)
   * can still read as true: the mock avoids `request.signal` (Deno's legacy-abort warning) and the local
   * write succeeds. Use a paced stream (`eventDelayMs`) to test aborts.
   */
  delivered: Promise<boolean>;
  /** Set when the answer was an SSE stream. */
  stream?: StreamRecord;
}

/** A running mock upstream. Dispose it (`await using`) to close it. */
export interface MockUpstream extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Every SSE stream, in start order. */
  streams: StreamRecord[];
  /** Replaces the `/responses` queue of `accountId` (or "*" for the default). */
  setResponses(accountId: string, ...behaviours: ResponseBehavior[]): void;
  /** Sets the `/wham/usage` answer of `accountId` (or "*"). */
  setUsage(accountId: string, behaviour: UsageBehavior): void;
  /** Replaces the `/oauth/token` queue. */
  setRefresh(...behaviours: RefreshBehavior[]): void;
  /** Recorded `POST …/responses` requests, optionally only those of one account. */
  responsesRequests(accountId?: string): RecordedRequest[];
  /** Number of `POST /oauth/token` calls so far. */
  readonly refreshCalls: number;
  /** Refresh tokens presented again after they were spent (with `refuseReuse`). */
  readonly refreshReuses: number;
  /** The refresh token the mock issued last (null: none yet). */
  readonly lastIssuedRefreshToken: string | null;
  /** Closes active streams and shuts the server down. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const isString = typeof body === "string";
  return new Response(body === undefined ? null : isString ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": isString ? "text/plain" : "application/json", ...headers },
  });
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects, leaves no timer behind). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

function decodeBody(bytes: Uint8Array, encoding: string | null): string {
  if (bytes.length === 0) return "";
  const raw = encoding?.toLowerCase() === "zstd" ? zstdDecompressSync(bytes) : bytes;
  return new TextDecoder().decode(raw);
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rotateRefreshToken(old: string): string {
  const match = /^(.*)_gen(\d+)$/.exec(old);
  return match ? `${match[1]}_gen${Number(match[2]) + 1}` : `${old}_gen1`;
}

/** Starts the mock on 127.0.0.1 at a free port. */
export function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const responseQueues = new Map<string, ResponseBehavior[]>();
  for (const [id, b] of Object.entries(options.responses ?? {})) responseQueues.set(id, [b].flat());
  const responseCalls = new Map<string, number>();
  const usage = new Map<string, UsageBehavior>(Object.entries(options.usage ?? {}));
  let refreshQueue: RefreshBehavior[] = options.refresh ? [options.refresh].flat() : [{ kind: "rotate" }];
  let refreshCalls = 0;
  let refreshReuses = 0;
  let lastIssued: string | null = null;
  const spentRefreshTokens = new Set<string>();
  let refreshPosition = 0;
  let responseCounter = 0;
  const requests: RecordedRequest[] = [];
  const streams: StreamRecord[] = [];
  const closing = new AbortController();
  const openStreams = new Map<StreamRecord, (state: "aborted" | "interrupted") => void>();

  function nextResponse(accountId: string | null): ResponseBehavior {
    const key = accountId !== null && responseQueues.has(accountId) ? accountId : "*";
    const queue = responseQueues.get(key) ?? ["ok"];
    const n = responseCalls.get(key) ?? 0;
    responseCalls.set(key, n + 1);
    return queue[Math.min(n, queue.length - 1)] ?? "ok";
  }

  function sseResponse(
    record: RecordedRequest,
    requestIndex: number,
    events: string[],
    eventDelayMs: number,
    headers: Record<string, string>,
  ): Response {
    let settle!: (state: "completed" | "aborted" | "interrupted") => void;
    const stream: StreamRecord = {
      requestIndex,
      accountId: record.accountId,
      eventsSent: 0,
      state: "open",
      finished: new Promise((resolve) => settle = resolve),
    };
    const stop = new AbortController();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const finish = (state: "completed" | "aborted" | "interrupted") => {
      if (stream.state !== "open") return;
      stream.state = state;
      openStreams.delete(stream);
      stop.abort();
      settle(state);
      if (state !== "completed") {
        try {
          controller.close();
        } catch { /* already closed or cancelled */ }
      }
    };
    record.stream = stream;
    streams.push(stream);
    openStreams.set(stream, finish);
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      async pull(c) {
        // Pace the deltas only (index 2 .. n-3); the first and last events go out at once.
        if (eventDelayMs > 0 && next >= 2 && next < events.length - 2) await sleep(eventDelayMs, stop.signal);
        if (stream.state !== "open") return;
        c.enqueue(encoder.encode(events[next++]));
        stream.eventsSent = next;
        if (next === events.length) {
          finish("completed");
          c.close();
        }
      },
      cancel() {
        finish("aborted");
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers },
    });
  }

  async function answerResponses(record: RecordedRequest, index: number) {
    const raw = nextResponse(record.accountId);
    const behaviour = raw === "ok" ? { kind: "ok" as const } : raw;
    record.answer = behaviour.kind;
    await sleep(behaviour.delayMs ?? 0, closing.signal);
    const extra = behaviour.headers ?? {};
    const responseId = `resp_mock_${++responseCounter}`;
    switch (behaviour.kind) {
      case "ok": {
        const text = behaviour.text ?? defaultReplyText(record.accountId);
        const events = okEvents(text, responseId, behaviour.deltas ?? 1, behaviour.reasoning);
        const headers = { ...rateLimitHeaders(behaviour.rateLimits ?? {}), ...extra };
        return sseResponse(record, index, events, behaviour.eventDelayMs ?? 0, headers);
      }
      case "usage_limit": {
        const resetsAt = behaviour.resetsAt ?? Math.floor(Date.now() / 1000) + 3600;
        const headers = {
          ...rateLimitHeaders({
            primary: { usedPercent: 100, windowMinutes: 300, resetAt: resetsAt },
            activeLimit: "codex",
          }),
          ...extra,
        };
        return jsonResponse(429, usageLimitBody(resetsAt, behaviour.planType, behaviour.errorType), headers);
      }
      case "status": {
        if (behaviour.stallMs === undefined) return jsonResponse(behaviour.status, behaviour.body, extra);
        const text = typeof behaviour.body === "string"
          ? behaviour.body
          : JSON.stringify(behaviour.body ?? {});
        const half = Math.floor(text.length / 2);
        const stall = behaviour.stallMs;
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode(text.slice(0, half)));
            await sleep(stall, closing.signal);
            try {
              controller.enqueue(encoder.encode(text.slice(half)));
              controller.close();
            } catch { /* the client went away */ }
          },
        });
        return new Response(body, {
          status: behaviour.status,
          headers: { "content-type": "application/json", ...extra },
        });
      }
      case "function_call":
        return sseResponse(
          record,
          index,
          functionCallEvents(behaviour.name, behaviour.arguments, responseId),
          0,
          extra,
        );
      case "stream_failed": {
        const message = behaviour.message ?? `mock stream failure: ${behaviour.code}`;
        return sseResponse(record, index, failedEvents(behaviour.code, message, responseId), 0, extra);
      }
    }
  }

  async function answerRefresh(record: RecordedRequest): Promise<Response> {
    const presented = (record.body as { refresh_token?: unknown } | undefined)?.refresh_token;
    const reused = options.refuseReuse === true && typeof presented === "string" &&
      spentRefreshTokens.has(presented);
    if (typeof presented === "string") spentRefreshTokens.add(presented);
    if (reused) refreshReuses++;
    const behaviour: RefreshBehavior = reused
      ? { kind: "reused" }
      : refreshQueue[Math.min(refreshPosition++, refreshQueue.length - 1)];
    refreshCalls++;
    record.answer = `refresh:${behaviour.kind}`;
    if (behaviour.kind === "status") return jsonResponse(behaviour.status, behaviour.body);
    if (behaviour.kind === "reused") {
      return jsonResponse(401, {
        error: {
          message: "Your refresh token has already been used to generate a new access token. " +
            "Please try signing in again.",
          type: "invalid_request_error",
          param: null,
          code: "refresh_token_reused",
        },
      });
    }
    const old = (record.body as { refresh_token?: unknown } | undefined)?.refresh_token;
    const oldToken = typeof old === "string" ? old : "rt_unknown";
    const inferred = /^rt_(.+)_refresh_secret/.exec(oldToken)?.[1];
    const refreshToken = rotateRefreshToken(oldToken);
    lastIssued = refreshToken;
    const exp = behaviour.lifetimeSeconds !== undefined
      ? Math.floor(Date.now() / 1000) + behaviour.lifetimeSeconds
      : undefined;
    const auth = fakeAuthJson({
      accountId: inferred,
      ...(exp ? { exp } : {}),
      ...behaviour.auth,
      refreshToken,
    });
    await sleep(behaviour.delayMs ?? 0, closing.signal);
    const tokens = auth.tokens as Record<string, string>;
    return jsonResponse(200, {
      id_token: tokens.id_token,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      token_type: "Bearer",
      expires_in: 864000,
    });
  }

  async function handle(request: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    const url = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    const bytes = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
    let text = "";
    try {
      text = decodeBody(bytes, request.headers.get("content-encoding"));
    } catch (error) {
      text = `<undecodable body: ${error}>`;
    }
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.search,
      headers,
      accountId: request.headers.get("chatgpt-account-id"),
      text,
      body: parseJson(text),
      answer: "not_found",
      // Deno resolves `completed` even when the client cancelled the body, so the stream state decides.
      delivered: info.completed.then(
        () => !record.stream || record.stream.state === "completed",
        () => false,
      ),
    };
    // A client that goes away mid-stream is an abort, whether or not the body stream saw a cancel.
    record.delivered.then((ok) => {
      if (!ok && record.stream) openStreams.get(record.stream)?.("aborted");
    });
    const index = requests.push(record) - 1;
    const path = url.pathname;
    const method = request.method;

    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      record.answer = "websocket_426";
      return jsonResponse(426, { error: { message: "WebSockets are not supported by the mock upstream" } });
    }
    if (method === "POST" && path.endsWith("/responses")) {
      return await answerResponses(record, index);
    }
    if (method === "GET" && path.endsWith("/models")) {
      record.answer = "models";
      return jsonResponse(200, { models: [] });
    }
    if (method === "GET" && path.endsWith("/wham/accounts/check")) {
      record.answer = "accounts_check";
      const id = record.accountId ?? "acct_test";
      return jsonResponse(200, {
        accounts: [{
          id,
          workspace_backend_origin: "https://chatgpt.com",
          account_routing_override: "NO_CONSTRAINT",
          structure: "personal",
        }],
        account_ordering: [id],
        default_account_id: id,
      });
    }
    if (method === "GET" && path.endsWith("/wham/usage")) {
      record.answer = "usage";
      const behaviour = (record.accountId !== null ? usage.get(record.accountId) : undefined) ??
        usage.get("*") ?? { kind: "ok" };
      if (behaviour.kind === "status") return jsonResponse(behaviour.status, behaviour.body);
      return jsonResponse(200, usageBody(behaviour));
    }
    if (method === "POST" && path === "/oauth/token") return await answerRefresh(record);
    return jsonResponse(404, { error: { message: `mock upstream: no route for ${method} ${path}` } });
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        let closed: Promise<void> | undefined;
        const close = () => {
          closed ??= (async () => {
            closing.abort();
            for (const finish of [...openStreams.values()]) finish("interrupted");
            await server.shutdown();
          })();
          return closed;
        };
        resolve({
          url: `http://127.0.0.1:${port}`,
          port,
          requests,
          streams,
          setResponses(accountId, ...behaviours) {
            responseQueues.set(accountId, behaviours.length > 0 ? behaviours : ["ok"]);
            responseCalls.delete(accountId);
          },
          setUsage(accountId, behaviour) {
            usage.set(accountId, behaviour);
          },
          setRefresh(...behaviours) {
            refreshQueue = behaviours.length > 0 ? behaviours : [{ kind: "rotate" }];
            refreshPosition = 0;
          },
          responsesRequests(accountId) {
            return requests.filter((r) =>
              r.method === "POST" && r.path.endsWith("/responses") &&
              (accountId === undefined || r.accountId === accountId)
            );
          },
          get refreshCalls() {
            return refreshCalls;
          },
          get refreshReuses() {
            return refreshReuses;
          },
          get lastIssuedRefreshToken() {
            return lastIssued;
          },
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, handle);
  });
}
