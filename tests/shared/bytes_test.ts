/** concatBytes(): parts joined in order; one part is handed back as it is, none gives an empty buffer. */

import assert from "node:assert/strict";
import { concatBytes } from "../../src/shared/bytes.ts";

Deno.test("concatBytes() joins parts in order, hands back a lone part, and makes an empty buffer of none", () => {
  const one = new Uint8Array([1, 2]);
  assert.deepEqual(concatBytes([one, new Uint8Array(), new Uint8Array([3])]), new Uint8Array([1, 2, 3]));
  assert.equal(concatBytes([one]), one);
  assert.deepEqual(concatBytes([]), new Uint8Array());
});
