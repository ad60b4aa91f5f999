/**
 * Starts a detached gateway the way a user does (`cao gateway start --detach --port 0 --upstream …` as a
 * child process) and reads back what it left: its record in gateway.json, off Windows its own command line
 * as `ps` shows it, and on Linux its environment.
 */
import assert from "node:assert/strict";
import { type RunCaoOptions, runCaoProcess, type TempHome } from "./run_cao.ts";

/** A started detached gateway. */
export interface DetachedGateway {
  /** Its URL (`running.url` of gateway.json). */
  url: string;
  /** The proxy key of gateway.json (`/k/<key>/…` is proxied). */
  proxyKey: string;
  /** The words of the gateway process's command line (null on Windows, which has no `ps`). */
  args: string[] | null;
  /** The gateway process's environment, from `/proc/<pid>/environ` (null off Linux). */
  environ: Record<string, string> | null;
}

/** Starts it (asserting exit 0); stop it with `cao gateway stop`. */
export async function startDetachedGateway(
  home: TempHome,
  upstream: string,
  options: RunCaoOptions = {},
): Promise<DetachedGateway> {
  const started = await runCaoProcess(
    home,
    ["gateway", "start", "--detach", "--port", "0", "--upstream", upstream],
    options,
  );
  assert.equal(started.code, 0, started.stderr);
  const file = JSON.parse(await Deno.readTextFile(`${home.caoHome}/gateway.json`));
  const pid = file.running.pid as number;
  try {
    return { url: file.running.url, proxyKey: file.proxyKey ?? file.key, ...await processFacts(pid) };
  } catch (error) {
    Deno.kill(pid, "SIGTERM"); // the caller never got a gateway to stop
    throw error;
  }
}

async function processFacts(pid: number): Promise<Pick<DetachedGateway, "args" | "environ">> {
  let args: string[] | null = null;
  if (Deno.build.os !== "windows") {
    const ps = await new Deno.Command("ps", { args: ["-o", "args=", "-p", String(pid)] }).output();
    args = new TextDecoder().decode(ps.stdout).trim().split(/\s+/);
  }
  let environ: Record<string, string> | null = null;
  if (Deno.build.os === "linux") {
    // Through `cat`: Deno lets a test read /proc/<pid>/ only with --allow-all.
    const cat = await new Deno.Command("cat", { args: [`/proc/${pid}/environ`] }).output();
    const pairs = new TextDecoder().decode(cat.stdout).split("\0").filter(Boolean);
    environ = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  }
  return { args, environ };
}
