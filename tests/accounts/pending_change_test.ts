import assert from "node:assert/strict";
import { type PendingChange, recoveryPlan, recoveryText } from "../../src/accounts/pending_change.ts";
import { tempFilePid } from "../../src/fs/stale_temps.ts";

const rename: PendingChange = { op: "rename", from: "a", to: "b" };
const remove: PendingChange = {
  op: "remove",
  name: "a",
  parked: "/h/a.removed-1",
  keepFiles: false,
  sessionsTo: null,
};
const adopt: PendingChange = { op: "adopt", name: "n", needsAuth: true, label: "import" };

Deno.test("recoveryPlan() finishes a change once its first step happened, else undoes it", () => {
  assert.equal(recoveryPlan(rename, { first: true, second: false, hasAuth: false }), "back");
  assert.equal(recoveryPlan(rename, { first: false, second: true, hasAuth: false }), "forward");
  assert.equal(recoveryPlan(remove, { first: true, second: false, hasAuth: false }), "back");
  assert.equal(recoveryPlan(remove, { first: false, second: true, hasAuth: false }), "forward");
  assert.equal(recoveryPlan(remove, { first: false, second: false, hasAuth: false }), "forward");
  assert.equal(recoveryPlan(adopt, { first: true, second: false, hasAuth: false }), "back");
  assert.equal(recoveryPlan(adopt, { first: true, second: false, hasAuth: true }), "forward");
  assert.equal(
    recoveryPlan({ ...adopt, needsAuth: false }, { first: true, second: false, hasAuth: false }),
    "forward",
  );
  assert.equal(recoveryPlan(adopt, { first: false, second: false, hasAuth: false }), "back");
});

Deno.test("recoveryText() says what was done", () => {
  assert.equal(recoveryText(rename, "forward"), 'completed an interrupted rename of "a" to "b"');
  assert.match(recoveryText(adopt, "back"), /^rolled back an interrupted import of "n"/);
});

Deno.test("tempFilePid() recognises only cao's temp files", () => {
  assert.equal(tempFilePid(".registry.json.tmp-4242-ab12cd34"), 4242);
  assert.equal(tempFilePid("registry.json"), null);
  assert.equal(tempFilePid(".x.tmp-abc-12"), null);
});
