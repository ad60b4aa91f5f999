/**
 * @module
 * Two small questions every store asks of the disk: does this path exist, and what text does this file hold
 * if it exists. A missing file is an answer; any other error (permissions, I/O) is thrown.
 */

/** Whether `path` exists (a dangling link counts: it is looked at, not followed). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The text of `path`, or null when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
