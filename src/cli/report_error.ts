/**
 * @module
 * How any failure reaches the user: `error: …` and `hint: …` on stderr, redacted, and the exit code it maps
 * to. Free of the argument parser, so the start-up fast path can use it too.
 */

import { CaoError, ExitCode } from "../shared/errors.ts";
import { redactSecrets } from "../shared/redact.ts";

/** Prints a non-parser error the STYLE.md way and returns its exit code. */
export function reportFailure(error: unknown, stderr: (text: string) => void): number {
  if (error instanceof CaoError) {
    stderr(`error: ${redactSecrets(error.message)}\n`);
    if (error.hint) stderr(`hint: ${redactSecrets(error.hint)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr(`error: ${redactSecrets(message)}\n`);
  stderr('hint: this looks like a bug in cao; run "cao doctor" and report it with the output\n');
  return ExitCode.failure;
}
