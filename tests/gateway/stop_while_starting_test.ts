/**
 * A gateway stopped by a signal in its first moments (a service manager's stop, Ctrl-C, a harness tearing
 * down as soon as the port answers) stops the way it does later: it exits with 143/130 instead of dying of
 * the signal, and takes its `running` record out of gateway.json. Checked on the real thing: `main.ts gateway
 * start` in a child process, signalled the moment its port accepts a connection (before it has recorded
 * itself, on a fast machine), a few times over.
 */

import assert from "node:assert/strict";
import { caoChild, makeTempHome } from "../support/run_cao.ts";
import { pollUntil } from "../../src/shared/wait.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function accepts(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

const ROUNDS: [Deno.Signal, number][] = [["SIGTERM", 143], ["SIGINT", 130], ["SIGTERM", 143], [
  "SIGTERM",
  143,
]];

Deno.test({
  name: "a gateway signalled as soon as its port accepts exits with 143/130 and leaves no running record",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await makeTempHome();
    for (const [signal, expected] of ROUNDS) {
      const port = freePort();
      const child = caoChild(home, [
        "gateway",
        "start",
        "--port",
        String(port),
        "--upstream",
        "http://127.0.0.1:9",
      ]);
      const output = child.output();
      const up = await pollUntil(async () => (await accepts(port)) || undefined, {
        timeoutMs: 30_000,
        intervalMs: 0,
      });
      assert.ok(up, "the gateway listened");
      child.kill(signal);
      const out = await output;
      const said = new TextDecoder().decode(out.stderr);
      assert.equal(out.signal, null, `${signal} was handled, not fatal: ${said}`);
      assert.equal(out.code, expected, said);
      const file = JSON.parse(await Deno.readTextFile(`${home.caoHome}/gateway.json`));
      assert.equal(
        file.running ?? null,
        null,
        `gateway.json after ${signal}: ${JSON.stringify(file.running)}`,
      );
      const left = [...Deno.readDirSync(home.caoHome)].map((e) => e.name).filter((n) => n.includes(".tmp"));
      assert.deepEqual(left, [], "no half-written file is left");
    }
  },
});
