/**
 * Memory tests in a child process with `gc()` exposed: {@link runGcChild} starts a fixture script and
 * returns the JSON it prints; the fixture uses {@link collectGarbage} and {@link conversationBody}.
 */

import assert from "node:assert/strict";

/** Runs `script` (a fixture URL) with `--expose-gc` and loopback network; resolves with its JSON output. */
export async function runGcChild(script: URL, args: string[]): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--v8-flags=--expose-gc",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-net=127.0.0.1,localhost",
      script.pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Collects garbage a few times, letting finalizers and pending callbacks run in between. */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --v8-flags=--expose-gc");
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A Codex-like streamed request whose conversation is `size` characters. */
export function conversationBody(size: number): Record<string, unknown> {
  return { model: "m", input: [{ type: "message", role: "user", content: "x".repeat(size) }], stream: true };
}
