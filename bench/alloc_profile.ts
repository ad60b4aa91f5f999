/**
 * @module
 * What a gateway allocates per streamed event, by function: it attaches to the gateway's inspector, samples
 * allocations (V8's sampling heap profiler, counting what minor and major collections took too) while a load
 * command runs, and divides each function's bytes by the events the load saw (the `eventsSeen` of the JSON
 * line `probe.mjs hold` prints last). Per-request allocations show up amortised over a request's events.
 *
 * Start the gateway with an inspector (`bench/anchors_cao.sh` passes `CAO_BENCH_DENO_FLAGS` to `deno run`):
 *
 *   CAO_BENCH_DENO_FLAGS=--inspect=127.0.0.1:9229 CAO_RUN=$PWD/bench/anchors_cao.sh …
 *   deno run -A bench/alloc_profile.ts http://127.0.0.1:9229 -- \
 *     node ../shared/bench/probe.mjs hold --url http://127.0.0.1:<port>/k/<key> --streams 200 --events 50
 *
 * Prints the bytes sampled per event, then the 30 functions that allocate most. Never run by the tests.
 */

// deno-lint-ignore-file no-console -- a benchmark tool: printing its figures is its job

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  callFrame: CallFrame;
  selfSize: number;
  children: ProfileNode[];
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function connect(
  inspector: string,
): Promise<{ send(method: string, params?: object): Promise<unknown>; close(): void }> {
  const targets = await (await fetch(`${inspector}/json/list`)).json() as { webSocketDebuggerUrl: string }[];
  if (targets.length === 0) throw new Error(`Cannot profile: ${inspector} lists no inspector target`);
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`Cannot connect to the inspector at ${inspector}`));
  });
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
    if (message.id !== undefined) waiting.delete(message.id);
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        const id = ++next;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

const [inspector, dashes, ...load] = Deno.args;
if (!inspector || dashes !== "--" || load.length === 0) {
  console.error("usage: deno run -A bench/alloc_profile.ts <inspector url> -- <load command…>");
  Deno.exit(2);
}
const cdp = await connect(inspector);
await cdp.send("HeapProfiler.enable");
await cdp.send("HeapProfiler.startSampling", {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const out = await new Deno.Command(load[0], { args: load.slice(1), stdout: "piped", stderr: "inherit" })
  .output();
const { profile } = await cdp.send("HeapProfiler.stopSampling") as { profile: { head: ProfileNode } };
cdp.close();
const last = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
const events = (JSON.parse(last || "{}") as { eventsSeen?: number }).eventsSeen ?? 0;
if (events === 0) {
  console.error(`the load saw no events (its last line: ${last.slice(0, 200)})`);
  Deno.exit(1);
}
const bytes = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = `${functionName || "(anonymous)"} ${url.replace(/^.*\//, "")}:${lineNumber + 1}`;
  bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(
  `${events} events; ${(total / 1e6).toFixed(1)} MB sampled, ${(total / events).toFixed(0)} B per event`,
);
for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${(size / events).toFixed(0).padStart(7)} B/event  ${name}`);
}
