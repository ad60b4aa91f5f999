/**
 * @module
 * Unit tests of `shared/json_value.ts`, the one set of guards for parsed JSON.
 */

import assert from "node:assert/strict";
import { finiteNumber, jsonObject, nonEmptyString } from "../../src/shared/json_value.ts";

Deno.test("jsonObject() takes plain objects only", () => {
  const doc = { a: 1 };
  assert.equal(jsonObject(doc), doc);
  assert.deepEqual(jsonObject(JSON.parse('{"x":{"y":2}}')), { x: { y: 2 } });
  for (const value of [null, undefined, [], [1], "x", 0, true]) {
    assert.equal(jsonObject(value), null, String(value));
  }
});

Deno.test("nonEmptyString() and finiteNumber() return the value or null", () => {
  assert.equal(nonEmptyString("sk"), "sk");
  for (const value of ["", 1, null, undefined, {}, ["a"]]) assert.equal(nonEmptyString(value), null);
  assert.equal(finiteNumber(0), 0);
  assert.equal(finiteNumber(-1.5), -1.5);
  for (const value of [NaN, Infinity, "1", null, undefined, {}]) assert.equal(finiteNumber(value), null);
});
