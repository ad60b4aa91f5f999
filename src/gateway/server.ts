/**
 * @module
 * The only `Deno.serve` call of cao: listen on an address with a given handler (built in `handler.ts`), and
 * stop on request. Also the wait for the process's stop signals, heard through the `onSignal` edge it is
 * given.
 */

import { signalExitCode } from "../shared/exit_codes.ts";
import { type GatewayAnswer, webAnswer } from "./relayed_answer.ts";

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

/**
 * Listens on `hostname:port` (port 0: any free port) with `Deno.serve`; a relayed answer goes out as a
 * `Response` over its relay. Throws when the address is in use.
 */
export function serveHandler(
  handler: (request: Request) => Promise<GatewayAnswer>,
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
  }, async (request) => webAnswer(await handler(request)));
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

/** Listens for a signal; returns the function that stops listening (the CLI's `deps.onSignal`). */
export type OnSignal = (signal: Deno.Signal, handler: () => void) => () => void;

/** Resolves with the first of SIGINT/SIGTERM (130/143), or when `stop` resolves (0). Ignores SIGHUP. */
export function waitForStop(stop: Promise<void>, ignoreHangup: boolean, onSignal: OnSignal): Promise<number> {
  return new Promise((resolve) => {
    const removers: (() => void)[] = [];
    const finish = (code: number) => {
      for (const remove of removers) remove();
      resolve(code);
    };
    const signals: [Deno.Signal, () => void][] = [["SIGINT", () => finish(signalExitCode("SIGINT"))]];
    if (Deno.build.os !== "windows") {
      signals.push(["SIGTERM", () => finish(signalExitCode("SIGTERM"))]);
      if (ignoreHangup) signals.push(["SIGHUP", () => {}]);
    }
    for (const [signal, listener] of signals) removers.push(onSignal(signal, listener));
    stop.then(() => finish(0));
  });
}
