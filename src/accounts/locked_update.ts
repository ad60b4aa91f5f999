/**
 * @module
 * The one read-modify-write cycle every shared JSON file of the cao home uses (registry.json,
 * account_status.json, gateway.json, usage_history.json, notify.json, notifications.json, and the CAO 1.4.2
 * migration's rewrite of the first three): take the file's lock, read the document, let the caller edit it,
 * write it back atomically (0600) only when its JSON changed — or, unless the document says otherwise, when
 * the file does not exist yet. What a damaged file becomes is the document's `read` to decide (a writer moves
 * it aside with a warning); nothing here parses, repairs or prints.
 */

import { writeFileAtomic } from "../fs/atomic_write.ts";
import { type CaoHome, ensureCaoHome } from "./cao_home.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { pathExists } from "../fs/file_probe.ts";

/** How to read and serialise one document. */
export interface LockedDocument<D> {
  /** The file. Its lock is `<path>.lock`. */
  path: string;
  /** Reads (and, for a damaged file, recovers) the document. Runs under the lock. */
  read(): Promise<D>;
  /** The JSON written back; an edit that leaves it the same (by `JSON.stringify`) writes nothing. */
  toJson(document: D): unknown;
  /**
   * When the file is written: `"changed-or-missing"` (the default: also when it does not exist yet, so that
   * the first edit creates it) or `"changed"` (only when the edit changed the JSON; a missing file stays
   * missing until an edit puts something in it).
   */
  write?: "changed-or-missing" | "changed";
  /** `"pretty"` (the default: two-space indents) or `"compact"` (one line). Both end with a newline. */
  layout?: "pretty" | "compact";
  /**
   * Whether the cao home is created (and a loose mode of it tightened, with a warning) before the lock is
   * taken; the default is true. The CAO 1.4.2 migration says false: it tightens and counts the modes itself.
   */
  createHome?: boolean;
  /** Runs after the write (`written` true) or after an edit that wrote nothing (false), still under the lock. */
  afterWrite?(written: boolean): void | Promise<void>;
}

/** The text written for `json`. Pure. */
function documentText(json: unknown, layout: "pretty" | "compact" = "pretty"): string {
  return (layout === "compact" ? JSON.stringify(json) : JSON.stringify(json, null, 2)) + "\n";
}

/** Reads, edits and writes `doc` under its lock; the file is rewritten only when the content changed. */
export async function updateLocked<D, T>(
  home: CaoHome,
  doc: LockedDocument<D>,
  edit: (document: D) => T | Promise<T>,
): Promise<T> {
  if (doc.createHome ?? true) await ensureCaoHome(home);
  return await withFileLock(`${doc.path}.lock`, async () => {
    const document = await doc.read();
    const before = JSON.stringify(doc.toJson(document));
    const result = await edit(document);
    const after = doc.toJson(document);
    const written = JSON.stringify(after) !== before ||
      ((doc.write ?? "changed-or-missing") === "changed-or-missing" && !(await pathExists(doc.path)));
    if (written) await writeFileAtomic(doc.path, documentText(after, doc.layout));
    await doc.afterWrite?.(written);
    return result;
  });
}
