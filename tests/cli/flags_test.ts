/**
 * @module
 * Unit tests of `cli/flags.ts`: the one number-flag parser and its one wording, with literal inputs.
 */

import assert from "node:assert/strict";
import {
  describeNumberRule,
  parseNumberFlag,
  parseOptionalNumberFlag,
  parseSeconds,
  parseThresholds,
} from "../../src/cli/flags.ts";
import { parseReserve } from "../../src/cli/reserve.ts";
import { UsageError } from "../../src/shared/errors.ts";

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  throw new Error("expected a UsageError");
}

Deno.test("parseNumberFlag() takes numbers within the rule", () => {
  assert.equal(parseNumberFlag("--max-passes", "3", { integer: true, min: 1 }), 3);
  assert.equal(parseNumberFlag("--retry-delay", "0.5", { min: 0 }), 0.5);
  assert.equal(parseNumberFlag("--switch-at", " 90 "), 90);
  assert.equal(parseNumberFlag("reserve", "80%", { above: 0, max: 100, suffix: "%" }), 80);
});

Deno.test("parseOptionalNumberFlag() is undefined for an absent flag and parseNumberFlag() otherwise", () => {
  assert.equal(parseOptionalNumberFlag("--port", undefined, { integer: true }), undefined);
  assert.equal(parseOptionalNumberFlag("--port", "4319", { integer: true }), 4319);
  assert.equal(
    refusal(() => parseOptionalNumberFlag("--port", "43.5", { integer: true })),
    'Cannot use --port "43.5": expected a whole number',
  );
});

Deno.test('parseNumberFlag() refuses with one wording: Cannot use <flag> "<value>": expected …', () => {
  assert.equal(
    refusal(() => parseNumberFlag("--max-passes", "0", { integer: true, min: 1 })),
    'Cannot use --max-passes "0": expected a whole number, at least 1',
  );
  assert.equal(
    refusal(() => parseNumberFlag("--timeout", "soon", { above: 0, unit: "seconds" })),
    'Cannot use --timeout "soon": expected a number of seconds, more than 0',
  );
  assert.equal(
    refusal(() => parseNumberFlag("--port", "", { integer: true })),
    'Cannot use --port "": expected a whole number',
  );
  assert.match(
    refusal(() => parseNumberFlag("--port", "1.5", { integer: true })),
    /expected a whole number$/,
  );
  assert.match(refusal(() => parseNumberFlag("--x", "Infinity")), /expected a number$/);
  assert.equal(
    describeNumberRule({ above: 0, max: 100, what: "a percent", orWords: ["off"] }),
    'a percent, more than 0 and at most 100, or "off"',
  );
});

Deno.test("the flag parsers of run, status, doctor and reserve share that wording", () => {
  assert.equal(
    refusal(() => parseSeconds("0", "--watch", 2)),
    'Cannot use --watch "0": expected a number of seconds, more than 0',
  );
  assert.equal(parseSeconds(true, "--watch", 2), 2);
  assert.equal(
    refusal(() => parseThresholds({ expiresWithinHours: "-1" })),
    'Cannot use --expires-within-hours "-1": expected a number of hours, at least 0',
  );
  assert.match(refusal(() => parseThresholds({ expiresWithinHours: "" })), /expected a number of hours/);
  assert.deepEqual(parseThresholds({ maxFailures: "5", expiresWithinHours: "1.5" }), {
    maxFailures: 5,
    expiresWithinHours: 1.5,
  });
  assert.equal(
    refusal(() => parseReserve("120%")),
    'Cannot use reserve "120%": expected a percent, more than 0 and at most 100, or "off"',
  );
  assert.equal(parseReserve(" off "), null);
  assert.equal(parseReserve("25"), 25);
});
