/**
 * `superviseCodexRun()` in-process with a fake child: which of cao's signals reach codex.
 */
import assert from "node:assert/strict";
import { superviseCodexRun } from "../../src/codex/run_supervisor.ts";
import type { ExitStatus, SpawnedProcess, SpawnFn } from "../../src/codex/spawn.ts";

/** A fake codex that records the signals sent to it and exits when told; plus a way to send cao signals. */
function harness() {
  const kills: Deno.Signal[] = [];
  let exit!: (status: ExitStatus) => void;
  let started!: () => void;
  const running = new Promise<void>((resolve) => started = resolve);
  const child: SpawnedProcess = {
    pid: 4242,
    status: new Promise((resolve) => exit = resolve),
    stdout: null,
    stderr: null,
    kill: (signal = "SIGTERM") => void kills.push(signal),
  };
  const spawn: SpawnFn = () => {
    started();
    return child;
  };
  const listeners = new Set<(signal: Deno.Signal) => void>();
  return {
    kills,
    spawn,
    running,
    exit,
    onSignal: (listener: (signal: Deno.Signal) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send: (signal: Deno.Signal) => listeners.forEach((listener) => listener(signal)),
  };
}

async function supervise(sharesTerminal: boolean, signals: Deno.Signal[]) {
  const dir = await Deno.makeTempDir({ prefix: "cao-supervise-" });
  try {
    const h = harness();
    const run = superviseCodexRun({
      spawn: h.spawn,
      codex: "codex",
      args: ["exec", "x"],
      codexHome: dir,
      kind: "exec",
      onSignal: h.onSignal,
      sharesTerminal,
      now: () => new Date("2026-11-21T12:00:00Z"),
    });
    await h.running;
    for (const signal of signals) h.send(signal);
    h.exit({ code: 130, signal: null });
    return { kills: h.kills, result: await run };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("superviseCodexRun() records but does not forward SIGINT when codex shares the terminal", async () => {
  const { kills, result } = await supervise(true, ["SIGINT"]);
  assert.deepEqual(kills, [], "the terminal already sent codex the Ctrl-C");
  assert.equal(result.outcome.kind, "interrupted");
  assert.equal(result.outcome.kind === "interrupted" && result.outcome.signal, "SIGINT");
  assert.equal(result.outcome.exitCode, 130);
});

Deno.test("superviseCodexRun() forwards SIGTERM and SIGHUP on a terminal, and SIGINT without one", async () => {
  assert.deepEqual((await supervise(true, ["SIGTERM", "SIGHUP", "SIGINT"])).kills, ["SIGTERM", "SIGHUP"]);
  const plain = await supervise(false, ["SIGINT"]);
  assert.deepEqual(plain.kills, ["SIGINT"]);
  assert.equal(plain.result.outcome.exitCode, 130);
});
