/**
 * @module
 * The options of `cao status` and which of them go together: one view, `--doctor` or `--report` (each with
 * its own flags), and values that must be well formed even when they would not be used. Checked before
 * anything runs, so a conflict or a malformed value is refused with exit 2 and one line saying what to use
 * instead. Pure.
 */

import { UsageError } from "../shared/errors.ts";
import { checkTimeoutNeedsRefresh, parseSeconds, parseThresholds } from "./flags.ts";

/** Options of `cao status`, as parsed. */
export interface StatusOptions {
  full?: boolean;
  compact?: boolean;
  pretty?: boolean;
  json?: boolean;
  watch?: string | boolean;
  refresh?: boolean;
  timeout?: string;
  doctor?: boolean;
  report?: string | boolean;
  redact?: boolean;
  expiresWithinHours?: string;
  maxFailures?: string;
}

function given(value: unknown): boolean {
  return value !== undefined && value !== false;
}

/** Throws a UsageError for flags that conflict or a value that is malformed. Pure. */
export function checkStatusFlags(flags: StatusOptions): void {
  // Malformed values first, used or not.
  parseSeconds(flags.timeout, "--timeout", 1);
  parseSeconds(flags.watch, "--watch", 1);
  parseThresholds(flags);
  const doctor = flags.doctor === true;
  const report = given(flags.report);
  const textView = (["pretty", "compact", "full"] as const).find((view) => flags[view]);
  if (doctor && report) {
    throw new UsageError(
      "Cannot combine --doctor and --report",
      'use "cao status --report" (it carries the doctor\'s findings)',
    );
  }
  const dialect = doctor ? "--doctor" : report ? "--report" : null;
  if (dialect !== null && textView) {
    throw new UsageError(
      `Cannot combine ${dialect} and --${textView}`,
      `${dialect} prints its own view; drop --${textView}`,
    );
  }
  if (dialect !== null && given(flags.watch)) {
    throw new UsageError(
      `Cannot combine ${dialect} and --watch`,
      `use "cao status --watch", or ${dialect} alone`,
    );
  }
  if (typeof flags.report === "string" && flags.report !== "json" && flags.json) {
    throw new UsageError(
      `Cannot combine --report ${flags.report} and --json`,
      'use "--report json" for a JSON report',
    );
  }
  if (doctor && flags.refresh) {
    throw new UsageError(
      "Cannot combine --doctor and --refresh",
      'use "cao status --refresh" first, then --doctor',
    );
  }
  checkTimeoutNeedsRefresh(flags);
  if (flags.redact && !report) {
    throw new UsageError("Cannot use --redact without --report", 'use "cao report --redact"');
  }
  for (
    const [flag, value] of [["--max-failures", flags.maxFailures], [
      "--expires-within-hours",
      flags.expiresWithinHours,
    ]]
  ) {
    if (value !== undefined && dialect === null) {
      throw new UsageError(
        `Cannot use ${flag} without --doctor`,
        `use "cao status --doctor ${flag} ${value}"`,
      );
    }
  }
}
