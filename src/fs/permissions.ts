/**
 * @module
 * Private permissions for the cao home and the files holding tokens: directories 0700, files 0600. Looser
 * modes are repaired (or, for read-only commands, only reported) through the caller's `warn`; nothing here prints.
 */

/** True when `mode` grants anything to group or others. Pure. */
export function isLooserThanPrivate(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/** Creates `path` (and parents) as a private directory, repairing its mode when it already exists. */
export async function ensurePrivateDir(path: string, warn: (message: string) => void): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  await repairMode(path, 0o700, warn);
}

/** `0644`. Pure. */
function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

/**
 * The permission bits of `path` when they are looser than private; null when they are private, on Windows,
 * or when the file is missing (or, with `quiet`, cannot be looked at; otherwise that error is thrown).
 */
async function looseMode(path: string, quiet: boolean): Promise<number | null> {
  if (Deno.build.os === "windows") return null;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (quiet || error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const mode = (info.mode ?? 0) & 0o777;
  return isLooserThanPrivate(mode) ? mode : null;
}

/**
 * Tightens `path` to `expected` when its mode is looser; returns the mode it had, or null when it was private
 * (or missing, on Windows, or with `quiet` not to be looked at). A failing chmod is thrown.
 */
export async function tightenMode(path: string, expected: number, quiet = false): Promise<number | null> {
  const mode = await looseMode(path, quiet);
  if (mode === null) return null;
  await Deno.chmod(path, expected);
  return mode;
}

/** Tightens `path` to `expected` when its mode is looser, with a warning; a missing file is ignored. */
export async function repairMode(
  path: string,
  expected: number,
  warn: (message: string) => void,
): Promise<void> {
  const mode = await tightenMode(path, expected);
  if (mode !== null) warn(`"${path}" had mode ${octal(mode)}; tightened to ${octal(expected)}`);
}

/**
 * For commands that only read: says that `path` is looser than `expected` without changing it (a read-only
 * command must work in a home it cannot write, or one owned by another user). A missing file is ignored.
 */
export async function warnLooseMode(
  path: string,
  expected: number,
  warn: (message: string) => void,
): Promise<void> {
  const mode = await looseMode(path, true);
  if (mode === null) return;
  warn(
    `"${path}" has mode ${octal(mode)}: others may read it; run "chmod ${
      expected.toString(8)
    } ${path}" (the next command that writes the account tightens it)`,
  );
}
