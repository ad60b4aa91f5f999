/**
 * @module
 * The floor of any relay written in JavaScript on Deno: a TCP relay with no HTTP at all. Each client
 * connection gets its own upstream connection, and bytes are copied both ways by a read/write loop. Run it
 * next to the gateway to see what Deno's own socket and event-loop round trips cost:
 * `deno run --allow-net=127.0.0.1 bench/raw_relay.ts <listen port> <upstream port>`.
 *
 * With a third argument N > 1 it runs N event loops (Web Workers) on one port (`reusePort`, Linux; needs
 * `--unstable-net --allow-read`), the kernel spreading the connections: what a gateway with more than one
 * event loop could reach. Never run by the tests.
 */

async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  try {
    for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
      for (let at = 0; at < n;) at += await to.write(buffer.subarray(at, n));
    }
  } catch { /* either side closed */ }
  try {
    to.closeWrite();
  } catch { /* already closed */ }
}

async function relay(client: Deno.Conn, upstreamPort: number): Promise<void> {
  const upstream = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
  await Promise.all([pump(client, upstream), pump(upstream, client)]);
  for (const conn of [client, upstream]) {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

async function serve(port: number, upstreamPort: number, reusePort: boolean): Promise<void> {
  const options = { hostname: "127.0.0.1", port, ...(reusePort ? { reusePort } : {}) };
  for await (const client of Deno.listen(options as Deno.TcpListenOptions)) {
    void relay(client, upstreamPort).catch(() => {
      try {
        client.close();
      } catch { /* already closed */ }
    });
  }
}

/** A worker's first message: where to listen and relay to. */
interface Start {
  port: number;
  upstreamPort: number;
}

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
if (inWorker) {
  (globalThis as unknown as { onmessage: (event: MessageEvent<Start>) => void }).onmessage = (event) =>
    void serve(event.data.port, event.data.upstreamPort, true);
} else if (import.meta.main) {
  const [port, upstreamPort, loops = 1] = Deno.args.map(Number);
  if (loops > 1) {
    for (let i = 0; i < loops; i++) {
      new Worker(import.meta.url, { type: "module" }).postMessage({ port, upstreamPort } satisfies Start);
    }
  } else await serve(port, upstreamPort, false);
}
