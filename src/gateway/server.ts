/**
 * @module
 * The only `Deno.serve` call of cao: listen on an address with a given handler (built in `handler.ts`), and
 * stop on request. Also the one place that waits for the process's stop signals.
 */

/** A listening server. */
export interface ServerHandle {
  /** `http://<host>:<port>`. */
  url: string;
  hostname: string;
  port: number;
  /** Settles when the server has stopped. */
  finished: Promise<void>;
  /** Stops accepting, lets in-flight requests end, then resolves. */
  shutdown(): Promise<void>;
}

/** Listens on `hostname:port` (port 0: any free port). Throws when the address is in use. */
export function serveHandler(
  handler: (request: Request) => Promise<Response>,
  options: { hostname: string; port: number },
): ServerHandle {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
    onError: (error) => {
      const message = error instanceof Error ? error.message : String(error);
      return new Response(JSON.stringify({ error: { type: "cao_gateway_error", message } }), {
        status: 500,
        headers: { "content-type": "application/json" },
      });
    },
  }, handler);
  const { hostname, port } = server.addr;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}`,
    hostname,
    port,
    finished: server.finished,
    shutdown: () => server.shutdown(),
  };
}

/** Resolves with the first of SIGINT/SIGTERM (130/143), or when `stop` resolves (0). Ignores SIGHUP. */
export function waitForStop(stop: Promise<void>, ignoreHangup: boolean): Promise<number> {
  return new Promise((resolve) => {
    const listeners: [Deno.Signal, () => void][] = [];
    const finish = (code: number) => {
      for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
      resolve(code);
    };
    if (Deno.build.os !== "windows") {
      listeners.push(["SIGINT", () => finish(130)], ["SIGTERM", () => finish(143)]);
      if (ignoreHangup) listeners.push(["SIGHUP", () => {}]);
    } else {
      listeners.push(["SIGINT", () => finish(130)]);
    }
    for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
    stop.then(() => finish(0));
  });
}
