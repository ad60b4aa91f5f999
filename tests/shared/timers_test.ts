/** `shared/timers.ts`: once and at an interval; a cancelled timer neither fires nor holds the process. */

import assert from "node:assert/strict";
import { later, repeat } from "../../src/shared/timers.ts";
import { sleep } from "../../src/shared/wait.ts";

Deno.test("later() runs once after the delay; cancelled first, it never runs", async () => {
  let ran = 0;
  let cancelledRan = 0;
  later(5, () => ran++);
  const cancel = later(5, () => cancelledRan++);
  cancel();
  cancel();
  await sleep(40);
  assert.equal(ran, 1);
  assert.equal(cancelledRan, 0);
});

Deno.test("later() takes a delay that is no positive finite number as at once, like setTimeout", async () => {
  const ran: string[] = [];
  for (const ms of [NaN, Infinity, -5]) later(ms, () => ran.push(String(ms)));
  await sleep(20);
  assert.deepEqual(ran.sort(), ["-5", "Infinity", "NaN"]);
});

Deno.test("repeat() runs again and again until cancelled, also when cancelled from inside a run", async () => {
  let outside = 0;
  const stop = repeat(2, () => outside++);
  await pollCount(() => outside >= 3);
  stop();
  const atStop = outside;
  let inside = 0;
  const stopInside: () => void = repeat(2, () => {
    if (++inside === 2) stopInside();
  });
  await sleep(40);
  assert.equal(outside, atStop, "no run after cancel");
  assert.equal(inside, 2);
});

Deno.test("a cancelled later() does not keep a process alive; a pending one does", async () => {
  const run = async (code: string) => {
    const timers = new URL("../../src/shared/timers.ts", import.meta.url).href;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", `import { later } from "${timers}"; ${code}`],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const out = await child.output();
    clearTimeout(killer);
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  };
  const cancelled = await run(
    `const c = later(600_000, () => console.log("fired")); c(); console.log("done");`,
  );
  assert.deepEqual(cancelled, { code: 0, stdout: "done\n" }, "exits by itself, without the timer firing");
  const pending = await run(`later(30, () => console.log("fired")); console.log("armed");`);
  assert.deepEqual(pending, { code: 0, stdout: "armed\nfired\n" }, "waits for a pending timer");
});

async function pollCount(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await sleep(5);
  assert.ok(ok(), "repeat() ran three times");
}
