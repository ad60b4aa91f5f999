import assert from "node:assert/strict";
import { CoalescedFlush } from "../../src/shared/coalesced_flush.ts";

/** Lets every queued microtask and 0 ms timer run. */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test('CoalescedFlush "microtask": the asks of one turn share one run', async () => {
  let runs = 0;
  const flush = new CoalescedFlush(() => Promise.resolve(void runs++), "microtask");
  for (let i = 0; i < 5; i++) flush.schedule();
  await nextTurn();
  assert.equal(runs, 1);
  flush.schedule();
  await nextTurn();
  assert.equal(runs, 2, "a later turn gets its own run");
});

Deno.test("CoalescedFlush: a timer serves every ask until it fires; close() runs at once and starts no timer again", async () => {
  const ran = Promise.withResolvers<void>();
  let runs = 0;
  const timed = new CoalescedFlush(() => Promise.resolve(void (++runs, ran.resolve())), 1);
  timed.schedule();
  timed.schedule();
  await ran.promise;
  await nextTurn();
  assert.equal(runs, 1);

  // A long delay: only close() can run it, and the sanitizers fail the test if a timer were left behind.
  let closedRuns = 0;
  const slow = new CoalescedFlush(() => Promise.resolve(void closedRuns++), 3_600_000);
  slow.schedule();
  await slow.close();
  assert.equal(closedRuns, 1);
  slow.schedule();
  await slow.run();
  assert.equal(closedRuns, 2, "a closed flush still runs when asked, without a timer");
});

Deno.test("CoalescedFlush: runs (and serially() tasks) never overlap, and a failed run rejects without stopping the next", async () => {
  let active = 0;
  let most = 0;
  const order: number[] = [];
  let n = 0;
  const flush = new CoalescedFlush(async () => {
    const mine = ++n;
    active++;
    most = Math.max(most, active);
    await nextTurn();
    order.push(mine);
    active--;
    if (mine === 2) throw new Error("disk full");
  }, "microtask");
  const first = flush.run();
  const other = flush.serially(async () => {
    active++;
    most = Math.max(most, active);
    await nextTurn();
    order.push(0);
    active--;
  });
  const results = await Promise.allSettled([first, other, flush.run(), flush.run()]);
  assert.equal(most, 1);
  assert.deepEqual(order, [1, 0, 2, 3], "another task takes its turn in the same line");
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "rejected", "fulfilled"]);
});
