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

/** Tightens `path` to `expected` when its mode is looser, with a warning; a missing file is ignored. */
export async function repairMode(
  path: string,
  expected: number,
  warn: (message: string) => void,
): Promise<void> {
  if (Deno.build.os === "windows") return;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const mode = (info.mode ?? 0) & 0o777;
  if (isLooserThanPrivate(mode)) {
    await Deno.chmod(path, expected);
    warn(
      `"${path}" had mode ${mode.toString(8).padStart(4, "0")}; tightened to ${
        expected.toString(8).padStart(4, "0")
      }`,
    );
  }
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
  if (Deno.build.os === "windows") return;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    return;
  }
  const mode = (info.mode ?? 0) & 0o777;
  if (isLooserThanPrivate(mode)) {
    warn(
      `"${path}" has mode ${mode.toString(8).padStart(4, "0")}: others may read it; run "chmod ${
        expected.toString(8)
      } ${path}" (the next command that writes the account tightens it)`,
    );
  }
}
