/**
 * @module
 * Flag values: the one parser of a number flag (`parseNumberFlag`, one wording for every bad value), seconds
 * (`--timeout`, `--watch`) and the doctor's thresholds (`--expires-within-hours`, `--max-failures`, taken by
 * `cao doctor`, `cao report` and `cao status`). Pure: a bad value throws a UsageError.
 */

import { UsageError } from "../shared/errors.ts";
import type { DoctorThresholds } from "../status/doctor_checks.ts";

/** What a number flag accepts. */
export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** The smallest value accepted. */
  min?: number;
  /** Values must be greater than this. */
  above?: number;
  /** The largest value accepted. */
  max?: number;
  /** The unit, named in the error: `seconds`. */
  unit?: string;
  /** What the value is, instead of "a number" / "a whole number" (`a percent`). */
  what?: string;
  /** A sign the value may end with (`%`). */
  suffix?: string;
  /** Words the command also takes, named at the end of the error (`"off"`). */
  orWords?: string[];
}

/** The words after "expected" in the error for a value `rule` refuses. Pure. */
export function describeNumberRule(rule: NumberRule): string {
  const noun = (rule.what ?? (rule.integer ? "a whole number" : "a number")) +
    (rule.unit ? ` of ${rule.unit}` : "");
  const bounds = [
    rule.min !== undefined ? `at least ${rule.min}` : null,
    rule.above !== undefined ? `more than ${rule.above}` : null,
    rule.max !== undefined ? `at most ${rule.max}` : null,
  ].filter((b) => b !== null);
  const words = (rule.orWords ?? []).map((w) => `, or "${w}"`).join("");
  return `${noun}${bounds.length > 0 ? `, ${bounds.join(" and ")}` : ""}${words}`;
}

/** Parses the value of number flag `flag` (`--max-passes`), or throws `Cannot use <flag> "<raw>": expected …`. Pure. */
export function parseNumberFlag(flag: string, raw: string, rule: NumberRule = {}): number {
  const text = rule.suffix !== undefined && raw.trim().endsWith(rule.suffix)
    ? raw.trim().slice(0, -rule.suffix.length)
    : raw;
  const value = Number(text);
  const refused = text.trim() === "" || !Number.isFinite(value) ||
    (rule.integer === true && !Number.isInteger(value)) ||
    (rule.min !== undefined && value < rule.min) ||
    (rule.above !== undefined && value <= rule.above) ||
    (rule.max !== undefined && value > rule.max);
  if (refused) throw new UsageError(`Cannot use ${flag} "${raw}": expected ${describeNumberRule(rule)}`);
  return value;
}

/** {@link parseNumberFlag} for a flag that may be absent: undefined when it is. Pure. */
export function parseOptionalNumberFlag(
  flag: string,
  raw: string | undefined,
  rule: NumberRule = {},
): number | undefined {
  return raw === undefined ? undefined : parseNumberFlag(flag, raw, rule);
}

/** Default `--timeout` of each usage request, seconds. */
export const DEFAULT_REFRESH_TIMEOUT_SECONDS = 10;

/** Parses a positive number of seconds from a flag (`fallback` when it is absent or has no value). Pure. */
export function parseSeconds(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined || value === true || value === false) return fallback;
  return parseNumberFlag(flag, value, { above: 0, unit: "seconds" });
}

/** Refuses `--timeout` without `--refresh`: it is the timeout of each refresh request. Pure. */
export function checkTimeoutNeedsRefresh(flags: { timeout?: string; refresh?: boolean }): void {
  if (flags.timeout !== undefined && !flags.refresh) {
    throw new UsageError(
      "Cannot use --timeout without --refresh",
      "it is the timeout of each --refresh request; add --refresh",
    );
  }
}

/** The doctor's threshold flags, as parsed. */
export interface ThresholdFlags {
  expiresWithinHours?: string;
  maxFailures?: string;
}

/** Reads `--max-failures` and `--expires-within-hours` (only those given). Pure. */
export function parseThresholds(options: ThresholdFlags): Partial<DoctorThresholds> {
  const limits: Partial<DoctorThresholds> = {};
  if (options.maxFailures !== undefined) {
    limits.maxFailures = parseNumberFlag("--max-failures", options.maxFailures, { integer: true, min: 1 });
  }
  if (options.expiresWithinHours !== undefined) {
    limits.expiresWithinHours = parseNumberFlag("--expires-within-hours", options.expiresWithinHours, {
      min: 0,
      unit: "hours",
    });
  }
  return limits;
}
