/**
 * The spinner of long work: on a terminal's stderr it draws frames and wipes its line when the work ends;
 * with stderr a file or a pipe it writes nothing at all.
 */
import assert from "node:assert/strict";
import type { CliDeps } from "../../src/cli/deps.ts";
import { PROGRESS_CLEAR, progressFrame, withProgress } from "../../src/cli/progress.ts";
import { waitFor } from "../support/wait.ts";

function depsWith(stderrIsTerminal: boolean, written: string[]): CliDeps {
  return {
    isTerminal: () => ({ stdin: false, stdout: false, stderr: stderrIsTerminal }),
    stderr: (text: string) => written.push(text),
  } as unknown as CliDeps;
}

Deno.test("progressFrame() redraws one line: carriage return, spinner, text, clear to the end", () => {
  assert.equal(progressFrame(0, "starting the gateway"), "\r⠋ starting the gateway…\x1b[K");
  assert.equal(progressFrame(11, "x"), "\r⠙ x…\x1b[K");
});

Deno.test("withProgress() spins on a terminal's stderr until the work ends, then wipes its line", async () => {
  const written: string[] = [];
  let finish!: (value: number) => void;
  const work = new Promise<number>((resolve) => finish = resolve);
  const running = withProgress(depsWith(true, written), "asking", () => work);
  await waitFor(() => written.length >= 2, { what: "two frames" });
  finish(42);
  assert.equal(await running, 42);
  const frames = written.slice(0, -1);
  assert.ok(
    frames.every((line) => line.startsWith("\r") && line.endsWith(" asking…\x1b[K")),
    frames.join("|"),
  );
  assert.equal(written.at(-1), PROGRESS_CLEAR);
  const count = written.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(written.length, count, "nothing is drawn after the work ended");
});

Deno.test("withProgress() writes nothing when stderr is not a terminal, and passes errors through", async () => {
  const written: string[] = [];
  let finish!: () => void;
  const work = new Promise<void>((resolve) => finish = resolve);
  const running = withProgress(depsWith(false, written), "asking", () => work);
  await new Promise((resolve) => setTimeout(resolve, 400));
  finish();
  await running;
  assert.deepEqual(written, []);
  await assert.rejects(
    withProgress(depsWith(true, written), "x", () => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.deepEqual(written, [], "quick work draws nothing, even on a terminal");
});
