/**
 * @module
 * The exit code of a process ended by a signal: 128+N for signal N (130 for Ctrl-C, 143 for SIGTERM), the
 * shell's convention (STYLE.md), from the one table of portable signal numbers. Pure.
 */

/** The portable numbers of the signals cao meets. */
const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** 128+N for signal N (130 for SIGINT); 1 for a signal without a portable number. Pure. */
export function signalExitCode(signal: Deno.Signal): number {
  const n = SIGNAL_NUMBERS[signal];
  return n === undefined ? 1 : 128 + n;
}
