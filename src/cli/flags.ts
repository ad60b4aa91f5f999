/**
 * @module
 * Flag values shared by more than one command: seconds (`--timeout`, `--watch`) and the doctor's thresholds
 * (`--expires-within-hours`, `--max-failures`, taken by `cao doctor`, `cao report` and `cao status`). Pure:
 * a bad value throws a UsageError.
 */

import { UsageError } from "../shared/errors.ts";
import type { DoctorThresholds } from "../status/doctor_checks.ts";

/** Default `--timeout` of each usage request, seconds. */
export const DEFAULT_REFRESH_TIMEOUT_SECONDS = 10;

/** Parses a positive number of seconds from a flag. Pure. */
export function parseSeconds(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined || value === true || value === false) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`Cannot use ${flag} "${value}": it is not a positive number of seconds`);
  }
  return n;
}

/** The doctor's threshold flags, as parsed. */
export interface ThresholdFlags {
  expiresWithinHours?: string;
  maxFailures?: string;
}

/** Reads `--max-failures` and `--expires-within-hours` (only those given). Pure. */
export function parseThresholds(options: ThresholdFlags): Partial<DoctorThresholds> {
  const number = (value: string, flag: string, integer: boolean) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < (integer ? 1 : 0) || (integer && !Number.isInteger(n))) {
      throw new UsageError(
        `Cannot use ${flag} "${value}": it is not a ${
          integer ? "whole number of at least 1" : "number of hours"
        }`,
      );
    }
    return n;
  };
  const limits: Partial<DoctorThresholds> = {};
  if (options.maxFailures !== undefined) {
    limits.maxFailures = number(options.maxFailures, "--max-failures", true);
  }
  if (options.expiresWithinHours !== undefined) {
    limits.expiresWithinHours = number(options.expiresWithinHours, "--expires-within-hours", false);
  }
  return limits;
}
