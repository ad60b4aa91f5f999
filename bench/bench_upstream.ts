/**
 * @module
 * The benchmark's stand-in for the Codex backend: a lean loopback server streaming Codex-shaped SSE
 * (`response.created`, `output_item.added`, N `output_text.delta`, `output_item.done`, `response.completed`).
 * Each delta carries the wall-clock time it was sent (`t`, ms with µs precision) so the client can measure
 * per-event delay. Request headers choose the shape: `x-bench-events` (default 50), `x-bench-interval-ms`
 * (pause between deltas, default 0), `x-bench-limit` (a ChatGPT account id answered with a 429
 * `usage_limit_reached`). Run as a script it prints its URL; it records nothing (flat memory).
 */

// deno-lint-ignore-file no-console -- a benchmark: printing its figures is its job

const encoder = new TextEncoder();

function now(): number {
  return performance.timeOrigin + performance.now();
}

function event(data: Record<string, unknown>): Uint8Array {
  return encoder.encode(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
}

const CREATED = (id: string) =>
  event({
    type: "response.created",
    response: { id, object: "response", status: "in_progress", output: [] },
  });
const ADDED = (id: string) =>
  event({
    type: "response.output_item.added",
    output_index: 0,
    item: { type: "message", id: `msg_${id}`, role: "assistant", status: "in_progress", content: [] },
  });
const DONE = (id: string) =>
  event({
    type: "response.output_item.done",
    output_index: 0,
    item: { type: "message", id: `msg_${id}`, role: "assistant", status: "completed", content: [] },
  });
const COMPLETED = (id: string) =>
  event({
    type: "response.completed",
    response: {
      id,
      object: "response",
      status: "completed",
      usage: { input_tokens: 1200, output_tokens: 50, total_tokens: 1250 },
    },
  });

let counter = 0;

/** The handler. */
export async function benchUpstream(request: Request): Promise<Response> {
  if (request.body) await request.body.cancel();
  const limited = request.headers.get("x-bench-limit");
  if (limited !== null && limited === request.headers.get("chatgpt-account-id")) {
    const resetsAt = Math.floor(Date.now() / 1000) + 3600;
    return new Response(
      JSON.stringify({
        error: { type: "usage_limit_reached", message: "limit", plan_type: "plus", resets_at: resetsAt },
      }),
      { status: 429, headers: { "content-type": "application/json" } },
    );
  }
  const events = Number(request.headers.get("x-bench-events") ?? "50");
  const interval = Number(request.headers.get("x-bench-interval-ms") ?? "0");
  const id = `resp_${++counter}`;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(CREATED(id));
      controller.enqueue(ADDED(id));
    },
    async pull(controller) {
      if (sent < events) {
        if (interval > 0) await new Promise((r) => setTimeout(r, interval));
        controller.enqueue(
          event({
            type: "response.output_text.delta",
            item_id: `msg_${id}`,
            output_index: 0,
            content_index: 0,
            delta: "lorem ipsum dolor ",
            t: now(),
          }),
        );
        sent++;
        return;
      }
      controller.enqueue(DONE(id));
      controller.enqueue(COMPLETED(id));
      controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-codex-primary-used-percent": "12.5",
      "x-codex-primary-window-minutes": "300",
      "x-codex-secondary-used-percent": "40",
      "x-codex-secondary-window-minutes": "10080",
    },
  });
}

if (import.meta.main) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, benchUpstream);
  console.log(`http://127.0.0.1:${server.addr.port}`);
}
