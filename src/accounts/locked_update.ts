/**
 * @module
 * The one read-modify-write cycle every shared JSON file of the cao home uses: take the file's lock, read the
 * document, let the caller edit it, write it back atomically only when it changed (or does not exist yet).
 */

import { writeJsonAtomic } from "../fs/atomic_write.ts";
import { type CaoHome, ensureCaoHome } from "./cao_home.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { pathExists } from "../fs/file_probe.ts";

/** How to read and serialise one document. */
export interface LockedDocument<D> {
  /** The file. Its lock is `<path>.lock`. */
  path: string;
  /** Reads (and, for a damaged file, recovers) the document. */
  read(): Promise<D>;
  /** The JSON written back. */
  toJson(document: D): unknown;
  /** Runs after the write (or after an edit that changed nothing), still under the lock. */
  afterWrite?(): Promise<void>;
}

/** Reads, edits and writes `doc` under its lock; the file is rewritten only when the content changed. */
export async function updateLocked<D, T>(
  home: CaoHome,
  doc: LockedDocument<D>,
  edit: (document: D) => T | Promise<T>,
): Promise<T> {
  await ensureCaoHome(home);
  return await withFileLock(`${doc.path}.lock`, async () => {
    const document = await doc.read();
    const before = JSON.stringify(doc.toJson(document));
    const result = await edit(document);
    const after = doc.toJson(document);
    if (JSON.stringify(after) !== before || !(await pathExists(doc.path))) {
      await writeJsonAtomic(doc.path, after);
    }
    await doc.afterWrite?.();
    return result;
  });
}
