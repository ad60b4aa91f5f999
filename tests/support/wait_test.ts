import assert from "node:assert/strict";
import { waitFor, within } from "./wait.ts";

Deno.test("waitFor() resolves with the condition's first truthy value", async () => {
  let calls = 0;
  const value = await waitFor(() => ++calls >= 3 ? `call ${calls}` : null, {
    what: "three calls",
    intervalMs: 1,
  });
  assert.equal(value, "call 3");
});

Deno.test("waitFor() fails naming what it waited for", async () => {
  await assert.rejects(
    waitFor(() => false, { what: "a thing that never happens", timeoutMs: 30, intervalMs: 5 }),
    /^Error: Timed out after 30 ms waiting for a thing that never happens$/,
  );
});

Deno.test("within() passes a result through and names what timed out", async () => {
  assert.equal(await within(Promise.resolve(7), 1000, "seven"), 7);
  let release = () => {};
  const never = new Promise<void>((resolve) => release = resolve);
  await assert.rejects(within(never, 10, "the never promise"), /timed out: the never promise/);
  release();
});
